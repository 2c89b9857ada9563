import FlowEngine

/// Delivery statuses in memory: the same rules as the SQL stores (the actor serialises them).
extension InMemoryFlowStore {
    public func recordMessageStatus(_ report: MessageStatusReport) async throws -> MessageStatusOutcome {
        if notifications.values.contains(where: { $0.providerID == report.messageSid }) {
            try await updateNotificationStatus(
                providerID: report.messageSid, status: report.status, errorCode: report.errorCode)
            return .logged
        }
        let cutoff = report.retentionCutoff
        pendingStatuses = pendingStatuses.filter { $0.key == report.messageSid || $0.value.receivedAt >= cutoff }
        pendingStatuses[report.messageSid] = pendingStatuses[report.messageSid].map { report.merged(into: $0) } ?? report
        return .pending
    }

    public func pendingMessageStatus(messageSid: String) async throws -> MessageStatusReport? {
        pendingStatuses[messageSid]
    }

    /// Applies and removes the status pending for `providerID` (called as the id is recorded).
    func applyPendingStatus(providerID: String) {
        guard let pending = pendingStatuses.removeValue(forKey: providerID) else { return }
        for (id, row) in notifications
        where row.providerID == providerID && NotificationStatusOrder.supersedes(pending.status, row.status) {
            notifications[id]?.status = pending.status
            if let errorCode = pending.errorCode { notifications[id]?.error = errorCode }
        }
    }
}
