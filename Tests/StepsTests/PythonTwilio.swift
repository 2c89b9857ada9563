import Foundation

/// The official `twilio` Python package, when it can be had: python3 on PATH and
/// `twilio.request_validator` importable (installed by `scripts/install-test-tools.sh`, or here
/// with pip as a last resort).
enum PythonTwilio {
    static let python: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static let available: Bool = {
        guard python != nil else { return false }
        if run(["-c", "import twilio.request_validator"]).status == 0 { return true }
        _ = run(["-m", "pip", "install", "--quiet", "twilio"])
        return run(["-c", "import twilio.request_validator"]).status == 0
    }()

    static let unavailableReason = "python3 or its `twilio` package is unavailable (run scripts/install-test-tools.sh)"

    /// Runs python3 with arguments and optional stdin; returns exit status and stdout.
    static func run(_ arguments: [String], input: String = "") -> (status: Int32, output: String) {
        guard let python else { return (127, "") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (127, "") }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Signatures computed by `RequestValidator(token).compute_signature(url, params)` for each
    /// case (params as a dict of lists, so repeated names work), one per output line.
    static func signatures(_ cases: [(url: String, params: [(String, String)], token: String)]) -> [String] {
        let script = """
            import json, sys
            from twilio.request_validator import RequestValidator
            class MultiDict(dict):
                def getall(self, name):
                    return self[name]
            for line in sys.stdin:
                case = json.loads(line)
                params = {}
                for name, value in case["params"]:
                    params.setdefault(name, []).append(value)
                print(RequestValidator(case["token"]).compute_signature(case["url"], MultiDict(params)))
            """
        let input = cases.map { c in
            let payload: [String: Any] = ["url": c.url, "token": c.token, "params": c.params.map { [$0.0, $0.1] }]
            return String(decoding: try! JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        return run(["-c", script], input: input).output.split(separator: "\n").map(String.init)
    }

    /// Whether `RequestValidator(token).validate(url, params, signature)` accepts.
    static func validates(url: String, params: [(String, String)], token: String, signature: String) -> Bool {
        let script = """
            import json, sys
            from twilio.request_validator import RequestValidator
            class MultiDict(dict):
                def getall(self, name):
                    return self[name]
            case = json.loads(sys.stdin.read())
            params = {}
            for name, value in case["params"]:
                params.setdefault(name, []).append(value)
            print("yes" if RequestValidator(case["token"]).validate(case["url"], MultiDict(params), case["signature"]) else "no")
            """
        let payload: [String: Any] = ["url": url, "token": token, "signature": signature, "params": params.map { [$0.0, $0.1] }]
        let input = String(decoding: try! JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        return run(["-c", script], input: input).output.trimmingCharacters(in: .whitespacesAndNewlines) == "yes"
    }
}
