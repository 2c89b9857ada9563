/// Parallel branches and for_each items: child frames and their join.
extension TransitionContext {
    mutating func startParallel(_ frameID: String, _ parallel: ParallelState) throws(FlowError) {
        guard let frame = state.frames[frameID] else { return }
        var children: [String] = []
        for branch in parallel.branches {
            let segment = Frame.GraphSegment(state: frame.state, branch: branch.name.value)
            children.append(spawn(parent: frame, label: branch.name.value, segment: segment,
                                  start: branch.graph.start.value, scope: frame.scope))
        }
        setPhase(frameID, .joining(Frame.Join(running: children, results: [:], pendingItems: [], items: [], failures: [:])))
    }

    mutating func startForEach(_ frameID: String, _ forEach: ForEachState) throws(FlowError) {
        guard let frame = state.frames[frameID] else { return }
        let value = try evaluate(forEach.items, in: frameID)
        guard let items = value.arrayValue else {
            throw FlowError(.expression, message: "\(forEach.items.location): for_each items must be a list, got \(value.typeName)")
        }
        if let limit = forEach.maxItems?.value, items.count > limit {
            throw FlowError(.limit, message: "\(items.count) items exceed max_items \(limit)")
        }
        var join = Frame.Join(running: [], results: [:], pendingItems: Array(items.indices), items: items, failures: [:])
        let concurrency = max(1, forEach.concurrency?.value ?? 1)
        setPhase(frameID, .joining(join))
        if items.isEmpty {
            finishJoin(frameID, join)
            return
        }
        while join.running.count < concurrency, !join.pendingItems.isEmpty {
            let index = join.pendingItems.removeFirst()
            join.running.append(spawnItem(frame, forEach, index: index, item: items[index]))
        }
        setPhase(frameID, .joining(join))
    }

    private mutating func spawnItem(_ parent: Frame, _ forEach: ForEachState, index: Int, item: Value) -> String {
        var scope = parent.scope
        scope[forEach.itemName.value] = item
        scope["index"] = .number(Double(index))
        return spawn(parent: parent, label: String(index), segment: Frame.GraphSegment(state: parent.state, branch: nil),
                     start: forEach.body.start.value, scope: scope)
    }

    private mutating func spawn(parent: Frame, label: String, segment: Frame.GraphSegment, start: String,
                                scope: [String: Value]) -> String {
        let id = state.nextID("f")
        state.frames[id] = Frame(id: id, parent: parent.id, label: label, graphPath: parent.graphPath + [segment],
                                 state: start, phase: .entering, scope: scope, lastOutput: .null)
        queue.append(id)
        return id
    }

    /// A child frame ended; the parent's join decides whether the composite state is done.
    mutating func childEnded(parent parentID: String, label: String, childID: String, result: Result<Value, FlowError>) {
        guard let parent = state.frames[parentID], case .joining(var join) = parent.phase,
              let definition = definition(of: parentID)
        else { return }
        join.running.removeAll { $0 == childID }
        switch result {
        case .success(let output): join.results[label] = output
        case .failure(let error): join.failures[label] = error
        }
        switch definition.kind {
        case .parallel(let parallel):
            if parallel.join.value == .any, case .success(let output) = result {
                for child in join.running { cancelFrame(child) }
                join.running = []
                join.results = [label: output]
                finishJoin(parentID, join)
            } else if case .failure(let error) = result, parallel.join.value == .all {
                for child in join.running { cancelFrame(child) }
                raise(parentID, error)
            } else if join.running.isEmpty {
                if join.results.isEmpty, let first = join.failures.keys.sorted().first, let error = join.failures[first] {
                    raise(parentID, error)
                } else {
                    finishJoin(parentID, join)
                }
            } else {
                setPhase(parentID, .joining(join))
            }
        case .forEach(let forEach):
            if case .failure(let error) = result {
                for child in join.running { cancelFrame(child) }
                raise(parentID, error)
                return
            }
            if !join.pendingItems.isEmpty {
                let index = join.pendingItems.removeFirst()
                join.running.append(spawnItem(parent, forEach, index: index, item: join.items[index]))
            }
            if join.running.isEmpty { finishJoin(parentID, join) } else { setPhase(parentID, .joining(join)) }
        default:
            return
        }
    }

    private mutating func finishJoin(_ frameID: String, _ join: Frame.Join) {
        guard let definition = definition(of: frameID) else { return }
        switch definition.kind {
        case .parallel(let parallel):
            let output = Value.object(join.results)
            saveVar(parallel.save, output)
            state.frames[frameID]?.lastOutput = output
            transfer(frameID, to: parallel.next)
        case .forEach(let forEach):
            let output = Value.array(join.items.indices.map { join.results[String($0)] ?? .null })
            saveVar(forEach.save, output)
            state.frames[frameID]?.lastOutput = output
            transfer(frameID, to: forEach.next)
        default:
            return
        }
    }
}
