/// Ending frames, propagating errors to `catch` clauses and parents, cancellation.
extension TransitionContext {
    /// Routes an error: the current state's matching `catch`, else the frame fails.
    mutating func raise(_ frameID: String, _ error: FlowError) {
        guard let definition = definition(of: frameID) else {
            setPhase(frameID, .failed(error))
            endFailed(frameID)
            return
        }
        let catches: [CatchClause] =
            switch definition.kind {
            case .step(let s): s.catches
            case .parallel(let p): p.catches
            case .forEach(let f): f.catches
            default: []
            }
        if let clause = catches.first(where: { $0.catches(error.errorClass) }) {
            emit(.caught(state: definition.name.value, error: error, next: clause.next.value), in: frameID)
            saveVar(clause.save, error.value)
            transfer(frameID, to: clause.next)
            return
        }
        setPhase(frameID, .failed(error))
        endFailed(frameID)
    }

    /// A frame reached the end of its graph.
    mutating func end(_ frameID: String, output: Value) {
        guard let frame = state.frames[frameID] else { return }
        state.frames[frameID]?.phase = .finished(output: output)
        guard let parent = frame.parent else {
            state.status = .succeeded
            state.output = output
            state.frames.removeAll()
            emit(.succeeded(output: output))
            actions.append(.complete(output: output))
            return
        }
        state.frames.removeValue(forKey: frameID)
        childEnded(parent: parent, label: frame.label, childID: frameID, result: .success(output))
    }

    /// A frame whose phase is `.failed` ends.
    mutating func endFailed(_ frameID: String) {
        guard let frame = state.frames[frameID], case .failed(let error) = frame.phase else { return }
        guard let parent = frame.parent else {
            failInstance(error)
            return
        }
        state.frames.removeValue(forKey: frameID)
        childEnded(parent: parent, label: frame.label, childID: frameID, result: .failure(error))
    }

    mutating func failInstance(_ error: FlowError) {
        for id in Array(state.timers.keys).sorted() { cancelTimer(id) }
        state.status = .failed
        state.failure = error
        state.frames.removeAll()
        queue.removeAll()
        emit(.failed(error))
        actions.append(.fail(error))
    }

    mutating func cancel(reason: String) {
        for id in Array(state.timers.keys).sorted() { cancelTimer(id) }
        state.frames.removeAll()
        state.status = .cancelled
        let error = FlowError(.cancelled, message: reason)
        state.failure = error
        emit(.cancelled(reason: reason))
        actions.append(.fail(error))
    }

    /// Removes a frame and its descendants, disarming their timers (their late step results are ignored).
    mutating func cancelFrame(_ frameID: String) {
        guard let frame = state.frames.removeValue(forKey: frameID) else { return }
        switch frame.phase {
        case .retrying(_, let timer), .sleeping(let timer, _, _), .awaitingEvent(_, _, let timer): cancelTimer(timer)
        case .awaitingApproval(_, let timer): if let timer { cancelTimer(timer) }
        case .joining(let join): for child in join.running { cancelFrame(child) }
        default: break
        }
        emit(.branchCancelled(frame: frameID, state: frame.state))
    }
}
