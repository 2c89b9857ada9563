import FakeProviders
import FlowEngine
import Foundation
import Steps
import Testing

/// `flowctl serve` as a child process against the three fakes on loopback: a trip departing
/// within the hour whose flight is CANCELLED runs confirmation → AeroAPI poll → cancellation
/// message → completion; the fake's signed status callbacks reach the daemon's webhook and land
/// in the notification log; a forged callback is refused; SIGTERM stops the daemon cleanly.
@Suite("flowctl serve end to end against the fakes", .serialized)
struct ServeEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs a child to completion; returns its status and output.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]) async throws -> (Int32, String) {
        try await Blocking.run { try runBlocking(executable, arguments, environment: environment) }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String], environment: [String: String]) throws
        -> (Int32, String)
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Rows of a read-only SQL query on the daemon's SQLite file, as tab-separated lines (python3's sqlite3).
    static func query(_ database: String, _ sql: String) async throws -> [String] {
        let python = try #require(Self.python, "python3 is needed to read the SQLite file")
        let script = """
            import sqlite3, sys
            c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
            for row in c.execute(sys.argv[2]): print('\\t'.join('' if v is None else str(v) for v in row))
            """
        let (status, output) = try await run(URL(fileURLWithPath: python), ["-c", script, database, sql], environment: [:])
        try #require(status == 0, "sqlite query failed: \(output)")
        return output.split(separator: "\n").map(String.init)
    }

    static func post(_ url: String, form: [(String, String)], signature: String?) async throws -> Int {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/x-www-form-urlencoded")]
        if let signature { headers.append(("X-Twilio-Signature", signature)) }
        let request = HTTPRequestSpec(method: .post, url: url, headers: headers, body: Array(FormEncoding.encode(form).utf8))
        return try await AsyncHTTPClientTransport().send(request, timeout: .seconds(30)).status
    }

    /// The environment of a `flowctl serve` against the fakes at `fakeURL` with credentials from
    /// `configuration` and `daemonURL` as its public URL (the caller's own TWILIO_/FLOW_ left out).
    static func daemonEnvironment(
        _ configuration: FakeProviderServer.Configuration, fakeURL: String, daemonURL: String
    ) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TWILIO_") && !$0.key.hasPrefix("FLOW_") }
        environment.merge([
            "TWILIO_ACCOUNT_SID": configuration.twilioAccountSid, "TWILIO_AUTH_TOKEN": configuration.twilioAuthToken,
            "TWILIO_MESSAGING_SERVICE_SID": "MG" + String(repeating: "c", count: 32),
            "AEROAPI_KEY": configuration.aeroapiKey, "OPENAI_API_KEY": configuration.openaiKey,
            "FLOW_TWILIO_URL": fakeURL, "FLOW_AEROAPI_URL": fakeURL + "/aeroapi", "FLOW_OPENAI_URL": fakeURL + "/v1",
            "FLOW_OPENMETEO_URL": fakeURL + "/openmeteo", "FLOW_PUBLIC_URL": daemonURL,
        ]) { $1 }
        return environment
    }

    /// A `flowctl serve` on 127.0.0.1:`port` over `workflows` and the SQLite file `database`,
    /// writing its output to `log` (not started).
    static func serveProcess(
        _ flowctl: URL, port: Int, workflows: URL, database: String, environment: [String: String], log: URL
    ) throws -> Process {
        let serve = Process()
        serve.executableURL = flowctl
        serve.arguments = ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--workflows", workflows.path,
                           "--database", "sqlite://" + database]
        serve.environment = environment
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        serve.standardOutput = logHandle
        serve.standardError = logHandle
        return serve
    }

    /// A flow that only records the trips of `trip.created` (its trigger's `records: trip`).
    static let tripsFlow = """
        flow: trips
        version: 1
        triggers:
          - event: trip.created
            key: ${{ input.trip.id }}
            agency: ${{ input.trip.agency_id }}
            records: trip
        input:
          trip: { type: object, required: true }
        start: done
        states:
          done: { succeed: {} }
        """

    /// Polls `condition` every 100 ms until it holds or `seconds` pass.
    /// Whether the daemon at `url` answers `GET /health` with 200 within 60 s (a started `serve`).
    static func answersHealth(_ url: String) async -> Bool {
        await eventually(60) {
            (try? await AsyncHTTPClientTransport().send(
                HTTPRequestSpec(method: .get, url: url + "/health"), timeout: .seconds(1)).status) == 200
        }
    }

    static func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    @Test("a cancelled flight: confirmation, poll, cancellation, delivered callbacks, forged 403, clean SIGTERM")
    func cancelledFlight() async throws {
        var configuration = FakeProviderServer.Configuration()
        configuration.sendsStatusCallbacks = true
        configuration.statusCallbackDelay = TimeSpan(milliseconds: 50)
        let fake = FakeProviderServer(configuration: configuration)
        let fakeURL = try await fake.start()
        defer { Task { await fake.stop() } }

        let started = Date()
        let daemon = try await CancelledFlightDaemon(
            fake: fake, fakeURL: fakeURL, configuration: configuration, tripID: "T-E2E-1")
        defer { daemon.cleanUp() }
        let (database, daemonURL, serve) = (daemon.database, daemon.daemonURL, daemon.serve)
        func serveLog() -> String { daemon.serveLog() }
        let readyAfter = Date().timeIntervalSince(started)

        // Both messages sent, each followed by queued → sent → delivered callbacks answered 200.
        let delivered = await Self.eventually(60) {
            fake.acceptedCount >= 2 && fake.statusCallbacks.filter { $0.status == "delivered" }.count >= 2
        }
        let deliveredAfter = Date().timeIntervalSince(started)
        #expect(delivered, "messages \(fake.acceptedMessages.count), callbacks \(fake.statusCallbacks)\n\(serveLog())")
        let messages = fake.acceptedMessages
        #expect(messages.count == 2)
        #expect(messages.map(\.contentSid) == ["HXb777321419cee086713f1cb529d7fe51", "HX1672fabd1ce98f5b7d06f1306ba3afcc"])
        #expect(messages.allSatisfy { $0.to == "whatsapp:+5491155550000" })
        #expect(messages.allSatisfy { $0.statusCallback == daemonURL + "/webhooks/twilio/status" })
        let confirmation = messages.first?.contentVariables ?? [:]
        #expect(confirmation["1"] == "Ana" && confirmation["2"] == "AR1302" && confirmation["3"] == "EZE"
            && confirmation["4"] == "MIA" && confirmation["5"]?.isEmpty == false, "\(confirmation)")
        #expect(messages.last?.contentVariables == ["1": "Ana", "2": "AR1302"])
        // The fake refuses AeroAPI calls without the right x-apikey (401); the flow only reaches
        // the cancellation through an answered lookup.
        #expect(fake.requestCount(.aeroapi) >= 1)
        #expect(fake.statusCallbacks.allSatisfy { $0.responseStatus == 200 }, "\(fake.statusCallbacks)")

        let logged = await Self.eventually(60) {
            let rows = (try? await Self.query(database, "SELECT type, status FROM notifications_log ORDER BY type")) ?? []
            return rows == ["CANCELLED\tdelivered", "RESERVATION_CONFIRMATION\tdelivered"]
        }
        let logRows = (try? await Self.query(database, "SELECT type, status, provider_id FROM notifications_log")) ?? []
        #expect(logged, "\(logRows)")
        let finished = await Self.eventually(60) {
            ((try? await Self.query(database, "SELECT status FROM flow_instances")) ?? []) == ["succeeded"]
        }
        let statuses = (try? await Self.query(database, "SELECT status FROM flow_instances")) ?? []
        #expect(finished, "\(statuses)\n\(serveLog())")

        // A forged callback (right form, wrong key) and an unsigned one are refused.
        let sid = try #require(messages.first?.sid)
        let form: [(String, String)] = [
            ("AccountSid", configuration.twilioAccountSid), ("MessageSid", sid), ("MessageStatus", "failed"),
            ("ErrorCode", "30008"),
        ]
        let forged = TwilioSignature.compute(url: daemonURL + "/webhooks/twilio/status", parameters: form, authToken: "guess")
        #expect(try await Self.post(daemonURL + "/webhooks/twilio/status", form: form, signature: forged) == 403)
        #expect(try await Self.post(daemonURL + "/webhooks/twilio/status", form: form, signature: nil) == 403)
        let statusAfterForgeries = try await Self.query(database, "SELECT status FROM notifications_log WHERE provider_id = '\(sid)'")
        #expect(statusAfterForgeries == ["delivered"])

        serve.terminate()  // SIGTERM
        let stopped = await Self.eventually(60) { !serve.isRunning }
        #expect(stopped, "serve did not stop after SIGTERM")
        if stopped {
            #expect(serve.terminationReason == .exit && serve.terminationStatus == 0, "\(serve.terminationStatus)\n\(serveLog())")
        }
        print("ServeEndToEnd timings: healthy and trip started after \(readyAfter)s, "
              + "both messages delivered after \(deliveredAfter)s, "
              + "total \(Date().timeIntervalSince(started))s")
    }
}
