import Foundation

/// The `jsonschema` Python package (a real JSON Schema validator) run by python3: installed by
/// `scripts/install-test-tools.sh`, or here with pip as a last resort.
enum PythonJSONSchema {
    static let python: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static let available: Bool = {
        guard python != nil else { return false }
        if run(["-c", "import jsonschema"]).status == 0 { return true }
        _ = run(["-m", "pip", "install", "--quiet", "jsonschema"])
        return run(["-c", "import jsonschema"]).status == 0
    }()

    static let unavailableReason =
        "python3 or its `jsonschema` package is unavailable (run scripts/install-test-tools.sh)"

    /// What the validator says about a schema and some documents.
    struct Report: Decodable {
        /// The validator class the schema's `$schema` selects, e.g. `Draft202012Validator`.
        var validator: String
        /// Why the schema itself is not a valid schema of its draft (empty when it is).
        var schemaErrors: [String]
        /// Per document name: `path: message` for every error (empty when it validates).
        var documents: [String: [String]]
    }

    /// Checks `schema` against its meta-schema and validates each document (JSON texts by name).
    static func validate(schema: String, documents: [String: String]) throws -> Report {
        let script = """
            import json, sys
            import jsonschema
            from jsonschema.validators import validator_for
            request = json.load(sys.stdin)
            schema = request["schema"]
            cls = validator_for(schema)
            schema_errors = [e.message for e in cls(cls.META_SCHEMA).iter_errors(schema)]
            validator = cls(schema)
            def describe(error):
                # For anyOf/oneOf, also the error of the alternative that got deepest into the document.
                text = "/" + "/".join(map(str, error.absolute_path)) + ": " + error.message
                if error.context:
                    closest = error
                    while closest.context:
                        closest = max(closest.context, key=lambda e: len(e.absolute_path))
                    text += " (closest: /" + "/".join(map(str, closest.absolute_path)) + ": " + closest.message + ")"
                return text
            documents = {}
            for name, document in request["documents"].items():
                errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
                documents[name] = [describe(e) for e in errors]
            json.dump({"validator": cls.__name__, "schemaErrors": schema_errors, "documents": documents}, sys.stdout)
            """
        let documentsJSON = documents.sorted { $0.key < $1.key }
            .map { "\(jsonString($0.key)): \($0.value)" }.joined(separator: ",\n")
        let input = "{\"schema\": \(schema),\n\"documents\": {\(documentsJSON)}}"
        let result = run(["-c", script], input: input)
        guard result.status == 0 else {
            throw ValidatorError(description: "python3 jsonschema failed (\(result.status)): \(result.errors)")
        }
        return try JSONDecoder().decode(Report.self, from: Data(result.output.utf8))
    }

    struct ValidatorError: Error, CustomStringConvertible {
        var description: String
    }

    private static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    /// Runs python3 with arguments and stdin; returns exit status, stdout and stderr. Stdin and
    /// stderr go through temporary files, so a large request or error output never blocks on a pipe.
    static func run(_ arguments: [String], input: String = "") -> (status: Int32, output: String, errors: String) {
        guard let python else { return (127, "", "no python3") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jsonschema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("stdin"), errorURL = directory.appendingPathComponent("stderr")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(input.utf8).write(to: inputURL)
            _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = arguments
            let stdout = Pipe()
            process.standardInput = try FileHandle(forReadingFrom: inputURL)
            process.standardOutput = stdout
            process.standardError = try FileHandle(forWritingTo: errorURL)
            try process.run()
            let data = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let errors = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
            return (process.terminationStatus, String(decoding: data, as: UTF8.self), errors)
        } catch {
            return (127, "", "\(error)")
        }
    }
}
