#if canImport(FoundationEssentials)
import FoundationEssentials
#endif
import Dispatch
import Foundation
import Synchronization

extension FlowValidator {
    /// Loads and validates many documents, spread over the machine's cores when `parallel` is true.
    ///
    /// Documents are independent, so each is loaded and validated exactly as
    /// `validate(_ file:)` does; the results come back in the order of `files`, so output does not
    /// depend on scheduling.
    /// - Parameters:
    ///   - files: the documents.
    ///   - parallel: false validates them one after another on the calling thread.
    /// - Returns: one `(flow, diagnostics)` per document, in the order given.
    public func validate(_ files: [SourceFile], parallel: Bool = true) -> [(flow: Flow?, diagnostics: [Diagnostic])] {
        guard parallel, files.count > 1, Self.threads > 1 else { return files.map { validate($0) } }
        let results = Mutex([Loaded?](repeating: nil, count: files.count))
        // concurrentPerform hands iterations out dynamically to one thread per core.
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let (flow, diagnostics) = validate(files[index])
            let loaded = Loaded(flow: flow, diagnostics: diagnostics)
            results.withLock { $0[index] = loaded }
        }
        return results.withLock { all in all.map { ($0!.flow, $0!.diagnostics) } }
    }

    /// How many threads `validate(_:parallel:)` uses: the machine's active cores.
    public static var threads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// One document's result (a struct: tuples cannot cross into the lock).
    private struct Loaded: Sendable {
        var flow: Flow?
        var diagnostics: [Diagnostic]
    }
}
