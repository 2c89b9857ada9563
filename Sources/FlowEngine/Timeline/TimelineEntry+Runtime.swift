/// The entries the runtime writes around step calls, one constructor per kind (the fields of each
/// are in `docs/timeline.md`).
extension TimelineEntry {
    /// `message_sent`: `notify.send`'s result (`type`, `key`, `to`, `template`, `variables`,
    /// `status`, `sid`) with the send's local time and the instant it was deferred from.
    public static func messageSent(result: [String: Value], localTime: String?, deferredFrom: Value) -> TimelineEntry {
        notification(.messageSent, result: result, localTime: localTime, deferredFrom: deferredFrom)
    }

    /// `duplicate`: as `message_sent`, for a message the notification log already had.
    public static func duplicate(result: [String: Value], localTime: String?, deferredFrom: Value) -> TimelineEntry {
        notification(.duplicate, result: result, localTime: localTime, deferredFrom: deferredFrom)
    }

    /// `suppressed`: as `message_sent`, for a message a cap stopped (the result's `reason`).
    public static func suppressed(result: [String: Value], localTime: String?, deferredFrom: Value) -> TimelineEntry {
        notification(.suppressed, result: result, localTime: localTime, deferredFrom: deferredFrom)
    }

    private static func notification(
        _ kind: Kind, result: [String: Value], localTime: String?, deferredFrom: Value
    ) -> TimelineEntry {
        var details = result
        details["local_time"] = localTime.map(Value.string) ?? .null
        details["deferred_from"] = deferredFrom
        return TimelineEntry(kind, details)
    }

    /// `alert`: `code` (`NOTIFICATION_SUPPRESSED`, `EFFECT_IN_DOUBT`, a flow's own…) and a message
    /// for people; `key` names the effect an `EFFECT_IN_DOUBT` alert is about.
    public static func alert(code: String, message: String, key: String? = nil) -> TimelineEntry {
        var details: [String: Value] = ["code": .string(code), "message": .string(message)]
        if let key { details["key"] = .string(key) }
        return TimelineEntry(.alert, details)
    }

    /// `effect_in_doubt`: the effect `key` of `step` was found begun and never completed;
    /// `policy` is the step's in-doubt policy and `resolution` what was done.
    public static func effectInDoubt(step: String, key: String, policy: String, resolution: String) -> TimelineEntry {
        TimelineEntry(.effectInDoubt, [
            "step": .string(step), "key": .string(key), "policy": .string(policy), "resolution": .string(resolution),
        ])
    }

    /// `feedback`: a user's rating of the job, added after the fact (`rating` 1–5, `comment`,
    /// `helpful_aspects`, `improvement_areas`, the job's `flow` and `flow_version`, `given_by`).
    public static func feedback(_ fields: [String: Value]) -> TimelineEntry {
        TimelineEntry(.feedback, fields)
    }

    /// `model_usage`: one model call of `step` (`openai.chat`) in `state` answered: `model` as the
    /// API named it, its token counts, and its `cost` in `currency` (USD) from the configured price
    /// table, or a null cost and the `reason` when the table has no price for the model.
    public static func modelUsage(
        state: String?, step: String, callID: String?, model: String, promptTokens: Int, completionTokens: Int,
        totalTokens: Int, cost: Double?, currency: String = "USD", reason: String? = nil
    ) -> TimelineEntry {
        var details: [String: Value] = [
            "step": .string(step), "model": .string(model),
            "prompt_tokens": .number(Double(promptTokens)), "completion_tokens": .number(Double(completionTokens)),
            "total_tokens": .number(Double(totalTokens)), "cost": cost.map(Value.number) ?? .null,
            "currency": .string(currency),
        ]
        if let state { details["state"] = .string(state) }
        if let callID { details["call_id"] = .string(callID) }
        if let reason { details["reason"] = .string(reason) }
        return TimelineEntry(.modelUsage, details)
    }
}
