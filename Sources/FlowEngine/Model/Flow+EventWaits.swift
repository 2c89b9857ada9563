extension Flow {
    /// The event names its waits listen to, in every graph (branches and loop bodies included).
    public var awaitedEvents: Set<String> {
        var names: Set<String> = []
        for visit in FlowWalk(self).visits {
            for state in visit.graph.states {
                if case .wait(let wait) = state.kind, case .event(let event) = wait.condition {
                    names.insert(event.name.value)
                }
            }
        }
        return names
    }
}

extension InstanceState {
    /// Whether a frame waits for the event `name` with this correlation `key` (a wait without a
    /// correlation takes any key): what `eventReceived` would deliver to.
    public func awaits(event name: String, key: String?) -> Bool {
        frames.values.contains { frame in
            guard case .awaitingEvent(name, let correlation, _) = frame.phase else { return false }
            return correlation == nil || correlation == key
        }
    }
}
