/// The flow the chaos run drives: three WhatsApp sends, a poll loop on the product's backend
/// (three `http.request` GETs a second apart), an OpenAI call, a one-second wait and an approval
/// the driver decides over the API. Every provider call has a 2 s deadline (`answer_lost`
/// stalls outlast it) and the same retry budget; a call that runs out of it ends the instance
/// in `gave_up` (counted as not delivered within the budget).
enum ChaosFlow {
    static let name = "chaos"
    /// The sends, by their idempotency key's last part; each body is `chaos <tag> <send>`.
    static let sends = ["greet", "update", "confirm"]
    /// Attempts per call, the first included.
    static let maxAttempts = 10
    /// What the flow waits for by design (poll pauses and the hold), in ms: a fault-free run's floor.
    static let nominalWaitMilliseconds = 3_000.0

    /// The body of send `send` of instance `tag`: what the fake's count is keyed by.
    static func body(tag: String, send: String) -> String { "chaos \(tag) \(send)" }

    /// The YAML, calling the backend at `backend` (`http://127.0.0.1:PORT`, in the allow-list).
    static func yaml(backend: String) -> String {
        let retry = "retry: { max_attempts: \(maxAttempts), initial: 500ms, factor: 2, max_delay: 5s, on: [transient, timeout] }"
        func send(_ state: String, _ key: String, next: String) -> String {
            """
              \(state):
                step: twilio.send_text
                with: { to: "${{ input.phone }}", body: "chaos ${{ input.tag }} \(key)" }
                idempotency_key: "chaos/\(key)"
                timeout: 2s
                \(retry)
                catch: [ { errors: [permanent], next: gave_up } ]
                next: \(next)

            """
        }
        return """
            flow: chaos
            version: 1
            input:
              tag: { type: string, required: true }
              phone: { type: string, required: true }
            start: greet
            states:
            \(send("greet", "greet", next: "start_polls"))  start_polls:
                set: { polls: 0 }
                next: poll
              poll:
                step: http.request
                with: { method: GET, url: "\(backend)/backend/bookings/${{ input.tag }}" }
                save: booking
                timeout: 2s
                \(retry)
                catch: [ { errors: [permanent, not_found, invalid_response], next: gave_up } ]
                next: count_poll
              count_poll:
                set: { polls: "${{ vars.polls + 1 }}" }
                next: polled_enough
              polled_enough:
                choice:
                  - when: "${{ vars.polls < 3 }}"
                    next: pause_poll
                default: summarize
              pause_poll:
                wait: { for: 1s }
                next: poll
              summarize:
                step: openai.chat
                with:
                  model: gpt-4o-mini
                  messages:
                    - { role: user, content: "Summarise booking ${{ input.tag }} in one line." }
                save: summary
                timeout: 2s
                \(retry)
                catch: [ { errors: [permanent, invalid_response], next: gave_up } ]
                next: update
            \(send("update", "update", next: "hold"))  hold:
                wait: { for: 1s }
                next: ask
              ask:
                approval:
                  request:
                    kind: chaos
                    summary: "Confirm ${{ input.tag }}"
                  expires_in: 1h
                  on_approve: confirm
                  on_reject: confirm
                  save: decision
            \(send("confirm", "confirm", next: "done"))  done:
                succeed: true
              gave_up:
                fail: { error: retries_exhausted, message: "a provider call ran out of its retry budget" }

            """
    }
}
