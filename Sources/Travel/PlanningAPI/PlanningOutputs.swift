public import FlowEngine

/// The partial outputs of a `trip-planning` job, by the names the original's `current_output` and
/// `agent_output` events use: where `workflows/trip-planning.yaml` keeps each (its `save:` keys),
/// and which step's answer carries it on the timeline.
public enum PlanningOutputs {
    /// The research branches' step states and the output each answers (an `openai.chat` result, whose
    /// `json` is `{items, notes}`).
    public static let research: [String: String] = [
        "research_flights": "flights", "research_stays": "stays", "research_activities": "activities",
    ]
    /// The state whose answer is the checked itinerary (`itinerary.check`: `{valid, errors, itinerary}`).
    public static let itineraryCheck = "check_itinerary"

    /// The output a step's answer at `state` gives (`agent_output {key, value}`); nil when it gives none
    /// (another step, or an itinerary that did not pass the check).
    public static func output(state: String?, answer: Value?) -> (key: String, value: Value)? {
        guard let state, let answer else { return nil }
        if let key = research[state], let json = answer["json"] { return (key, json) }
        if state == itineraryCheck, answer["valid"] == .bool(true), let itinerary = answer["itinerary"] {
            return ("itinerary", itinerary)
        }
        return nil
    }

    /// What the job has produced so far, read from the instance's variables: `brief` (the typed
    /// request), `flights`, `stays`, `activities` (the research), `budget` (`{total, limit, currency}`
    /// once summed), `itinerary` (once checked) and `question` (while the user is asked for what is
    /// missing). Absent keys are not produced yet.
    public static func current(vars: [String: Value]) -> [String: Value] {
        var outputs: [String: Value] = [:]
        if let brief = vars["brief"], !brief.isNull { outputs["brief"] = brief }
        for key in research.values {
            if let json = vars[key]?["json"], !json.isNull { outputs[key] = json }
        }
        if let total = vars["total"], !total.isNull {
            outputs["budget"] = [
                "total": total, "limit": vars["limit"] ?? .null, "currency": vars["currency"] ?? .null,
            ]
        }
        if vars["checked"]?["valid"] == .bool(true), let itinerary = vars["checked"]?["itinerary"] {
            outputs["itinerary"] = itinerary
        }
        if let question = vars["question"], !question.isNull { outputs["question"] = question }
        return outputs
    }
}
