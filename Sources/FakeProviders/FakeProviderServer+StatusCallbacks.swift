public import FlowEngine
import Steps

/// How a message the Twilio fake accepted ends, as its status callbacks report it.
public enum FakeDeliveryOutcome: Sendable, Hashable {
    /// … → `sent` → `delivered` (the default).
    case delivered
    /// … → `sent` → `failed` with `ErrorCode`.
    case failed(errorCode: Int)
    /// … → `sent` → `undelivered` with `ErrorCode` (e.g. 63016 outside the 24 h window).
    case undelivered(errorCode: Int)
}

/// One status callback the fake posted: what, where, and the answer (nil when unreachable).
public struct FakeStatusCallback: Sendable, Hashable {
    public var messageSid: String
    public var status: String
    public var url: String
    public var responseStatus: Int?
}

extension FakeProviderServer {
    /// Queues outcomes for the next accepted messages that carry a `StatusCallback`.
    public func scriptDelivery(_ outcomes: [FakeDeliveryOutcome]) {
        state.withLock { $0.deliveryScripts += outcomes }
    }

    /// Makes the next `count` accepted messages with a `StatusCallback` post all their callbacks,
    /// and wait for the answers, *before* the create call is answered (Twilio's callbacks racing
    /// the sender's record of the message SID), instead of after it.
    public func scriptCallbacksBeforeAnswer(_ count: Int = 1) {
        state.withLock { $0.earlyCallbackMessages += count }
    }

    /// Every status callback posted so far, in order.
    public var statusCallbacks: [FakeStatusCallback] { state.withLock { $0.statusCallbacks } }

    /// With `configuration.sendsStatusCallbacks`, posts the message's later statuses to its
    /// `StatusCallback` in order, signed with the account's auth token as Twilio signs them
    /// (contracts README §1.6, §1.8): no callback for the initial status; a Messaging Service
    /// message reports `queued`, then `sent`, then the outcome. Runs detached from the create,
    /// unless `scriptCallbacksBeforeAnswer` asked for this message's callbacks before its answer.
    func scheduleStatusCallbacks(for message: FakeMessage) async {
        guard configuration.sendsStatusCallbacks, let url = message.statusCallback else { return }
        let (outcome, early) = state.withLock { state -> (FakeDeliveryOutcome, Bool) in
            let outcome = state.deliveryScripts.isEmpty ? .delivered : state.deliveryScripts.removeFirst()
            let early = state.earlyCallbackMessages > 0
            if early { state.earlyCallbackMessages -= 1 }
            return (outcome, early)
        }
        var steps: [(status: String, errorCode: Int?)] = message.status == "accepted" ? [("queued", nil)] : []
        steps.append(("sent", nil))
        switch outcome {
        case .delivered: steps.append(("delivered", nil))
        case .failed(let code): steps.append(("failed", code))
        case .undelivered(let code): steps.append(("undelivered", code))
        }
        if early {
            await postStatusCallbacks(steps, for: message, url: url)
        } else {
            Task { await self.postStatusCallbacks(steps, for: message, url: url) }
        }
    }

    /// Posts `steps` one after the other, each after `configuration.statusCallbackDelay`.
    private func postStatusCallbacks(
        _ steps: [(status: String, errorCode: Int?)], for message: FakeMessage, url: String
    ) async {
        let transport = AsyncHTTPClientTransport(defaultTimeout: .seconds(5))
        for step in steps {
            try? await Task.sleep(for: .milliseconds(configuration.statusCallbackDelay.milliseconds))
            setStatus(sid: message.sid, status: step.status, errorCode: step.errorCode)
            let (params, signature) = signedStatusCallback(
                sid: message.sid, status: step.status, errorCode: step.errorCode, url: url)
            let request = HTTPRequestSpec(
                method: .post, url: url,
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature),
                          ("User-Agent", "TwilioProxy/1.1")],
                body: Array(FormEncoding.encode(params).utf8))
            let answer = try? await transport.send(request, timeout: .seconds(5))
            state.withLock {
                $0.statusCallbacks.append(FakeStatusCallback(
                    messageSid: message.sid, status: step.status, url: url, responseStatus: answer?.status))
            }
        }
    }

    private func setStatus(sid: String, status: String, errorCode: Int?) {
        state.withLock { state in
            guard let index = state.messages.firstIndex(where: { $0.sid == sid }) else { return }
            state.messages[index].status = status
            state.messages[index].errorCode = errorCode
        }
    }
}
