import FlowEngine
import FlowRuntime
import Travel
import Foundation
import Testing

/// Dry-runs of the shipped `workflows/concierge.yaml` over fixtures: the exact replies.
@Suite("Concierge scenarios")
struct ConciergeScenarioTests {
    typealias S = ConciergeScenario

    @Test("no trip for the number: a polite reply, nothing stored")
    func noTrip() async throws {
        let report = try await S.run(body: "¿a qué hora sale mi vuelo?", fixtures: DryRunFixtures(trips: [S.madrid]),
                                     from: "+5491100000000")
        #expect(report.status == "succeeded")
        #expect(S.replies(report) == [
            "Hola Ana. No encontramos un viaje asociado a este número de WhatsApp. Si ya reservaste, pedile a tu "
                + "agencia que registre este número en tu viaje.",
        ])
        #expect(S.calls(report, "conversation.append").isEmpty)
        #expect(report.calls["aeroapi"] == 0 && report.calls["openai"] == 0)
    }

    @Test("media from a number without a trip are recorded under the number, and the reply says so")
    func mediaWithoutTrip() async throws {
        let media: [Value] = [["url": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
                               "content_type": "image/jpeg"]]
        let report = try await S.run(body: "mi pasaporte", fixtures: DryRunFixtures(trips: [S.madrid]),
                                     from: "+5491100000000", media: media)
        #expect(report.status == "succeeded")
        let recorded = S.calls(report, "documents.record")
        #expect(recorded.count == 1)
        #expect(recorded.first?["trip_id"] == .null && recorded.first?["phone"] == "+5491100000000")
        #expect(recorded.first?["media"] == .array(media))
        #expect(S.replies(report).first?.hasSuffix(
            "Guardamos los archivos que enviaste con tu número para sumarlos a tu viaje.") == true)
    }

    @Test("media from the trip's traveller become its documents; the reply thanks and counts them")
    func mediaWithTrip() async throws {
        let media: [Value] = [
            ["url": "https://api.twilio.com/m/1", "content_type": "application/pdf"],
            ["url": "https://api.twilio.com/m/2", "content_type": "image/png"],
        ]
        let report = try await S.run(body: "", fixtures: DryRunFixtures(trips: [S.madrid]), media: media)
        #expect(S.calls(report, "documents.record").first?["trip_id"] == "trip-mad")
        #expect(S.replies(report) == ["¡Gracias! Guardamos tus 2 archivos con los documentos de tu viaje a Madrid. "
            + "Escribí «documentos» para recibirlos."])
    }

    @Test("one trip, \"¿a qué hora sale mi vuelo?\": the AeroAPI estimate in the origin's local time")
    func flightInfo() async throws {
        let fixtures = DryRunFixtures(aeroapi: [S.flight(estimatedOut: "2026-07-09T01:35:00Z", delay: 1800, gate: "12")],
                                      trips: [S.madrid])
        let report = try await S.run(body: "¿a qué hora sale mi vuelo?", fixtures: fixtures)
        #expect(report.status == "succeeded")
        #expect(S.replies(report) == [
            "Tu vuelo AR1140 de Buenos Aires a Madrid sale el Mié 8 Jul 22:35 hs (EZE), hora local de Buenos Aires. "
                + "Tiene una demora de 30 minutos. Puerta de embarque: 12.",
        ])
        #expect(report.calls["aeroapi"] == 1 && report.calls["openai"] == 0)
        // Both turns are stored: the traveller's with its intent and MessageSid, then the reply with its SID.
        let turns = S.calls(report, "conversation.append")
        #expect(turns.map { $0["sender"] } == ["user", "bot"])
        #expect(turns.map { $0["intent"] } == ["flight_info", "flight_info"])
        #expect(turns.first?["provider_id"] == "SM-inbound-1" && turns.first?["message"] == "¿a qué hora sale mi vuelo?")
        #expect(turns.last?["message"] == .string(S.replies(report)[0]))
        #expect(turns.last?["provider_id"]?.stringValue?.hasPrefix("SM") == true)
    }

    @Test("AeroAPI unavailable: the booked departure, saying the status could not be checked")
    func flightInfoUnavailable() async throws {
        let fixtures = DryRunFixtures(
            aeroapi: [.init(from: nil, status: 503, body: ["title": "down", "reason": "x", "detail": "x", "status": 503])],
            trips: [S.madrid])
        let report = try await S.run(body: "Info del vuelo", fixtures: fixtures)
        #expect(S.replies(report) == [
            "No pude consultar el estado de tu vuelo en este momento. Según tu reserva, el vuelo AR1140 de Buenos Aires "
                + "a Madrid sale el Mié 8 Jul 22:05 hs (EZE), hora local de Buenos Aires.",
        ])
    }

    @Test("\"hola\" is a greeting for the nearest trip, not the furthest one")
    func greeting() async throws {
        let report = try await S.run(body: "hola", fixtures: DryRunFixtures(trips: [S.rome, S.madrid]))
        #expect(S.replies(report) == [
            "¡Hola Ana! Soy el asistente de tu viaje a Madrid. Preguntame por tu vuelo, tu itinerario o tus documentos.",
        ])
        #expect(report.calls["openai"] == 0)
        #expect(S.calls(report, "conversation.append").first?["trip_id"] == "trip-mad")
    }

    @Test("\"hi\" inside \"Chile\" is not a greeting: the classifier, then a free answer")
    func hiInChile() async throws {
        let fixtures = DryRunFixtures(
            openai: [.init(from: nil, status: 200, body: ["content": #"{"intent":"general"}"#]),
                     .init(from: nil, status: 200, body: ["content": " En julio es invierno en Chile: llevá abrigo. "])],
            trips: [S.madrid])
        let report = try await S.run(body: "Después viajo a Chile", fixtures: fixtures)
        #expect(S.replies(report) == ["En julio es invierno en Chile: llevá abrigo."])
        #expect(report.calls["openai"] == 2)
        let classify = try #require(S.calls(report, "openai.chat").first)
        #expect(classify["json_schema"]?["properties"]?["intent"]?["enum"]?.arrayValue?.count == 6)
        #expect(S.calls(report, "conversation.append").map { $0["intent"] } == ["general", "general"])
    }

    @Test("several trips close together: the question which one, then a flight number picks it")
    func severalTrips() async throws {
        let report = try await S.run(body: "hola", fixtures: DryRunFixtures(trips: [S.madrid, S.bariloche, S.rome]))
        #expect(S.replies(report) == [
            "Tenés más de un viaje en estas fechas: AR1140 EZE → MAD, Mié 8 Jul 22:05 hs (EZE); "
                + "AR1662 AEP → BRC, Jue 9 Jul 09:00 hs (AEP). ¿Por cuál consultás? Respondé con el número de vuelo.",
        ])
        #expect(S.calls(report, "conversation.append").isEmpty)

        let picked = try await S.run(body: "el AR 1662, hola", fixtures: DryRunFixtures(trips: [S.madrid, S.bariloche]))
        #expect(S.calls(picked, "conversation.append").first?["trip_id"] == "trip-brc")
    }

    @Test("a general question: openai.chat with the trip, the last 6 turns and at most 150 tokens")
    func generalQuestion() async throws {
        let earlier = (0..<8).map { i in
            DryRunFixtures.Turn(tripID: "trip-mad", sender: i % 2 == 0 ? .user : .bot, message: "turno \(i)",
                                at: Instant(iso8601: "2026-07-01T10:00:0\(i)Z")!)
        }
        let fixtures = DryRunFixtures(
            openai: [.init(from: nil, status: 200, body: ["content": #"{"intent":"general"}"#]),
                     .init(from: nil, status: 200, body: ["content": "Llevá un abrigo liviano y un adaptador."])],
            trips: [S.madrid], conversations: earlier)
        let report = try await S.run(body: "¿Qué me recomendás llevar?", fixtures: fixtures)
        #expect(S.replies(report) == ["Llevá un abrigo liviano y un adaptador."])
        let answer = try #require(S.calls(report, "openai.chat").last)
        #expect(answer["max_completion_tokens"] == 150)
        let messages = try #require(answer["messages"]?.arrayValue)
        #expect(messages.count == 8)
        #expect(messages.first?["role"] == "system")
        let system = messages.first?["content"]?.stringValue ?? ""
        #expect(system.contains("90 palabras") && system.contains("AR1140") && system.contains("Mié 8 Jul 22:05 hs (EZE)"))
        #expect(Array(messages[1...6]).map { $0["content"] } == (2..<8).map { .string("turno \($0)") })
        #expect(Array(messages[1...6]).map { $0["role"] } == ["user", "assistant", "user", "assistant", "user", "assistant"])
        #expect(messages.last == ["role": "user", "content": "¿Qué me recomendás llevar?"])
    }

    @Test("documents, itinerary and help answer from the trip without a provider call", arguments: [
        ("¿Dónde están mis documentos?", "Te envié 2 documento(s) de tu viaje a Madrid: Voucher, Seguro."),
        ("Quiero ver el itinerario",
         "Tu itinerario para Madrid todavía no está listo. Te lo vamos a enviar por acá apenas esté preparado."),
        ("ayuda",
         "Puedo ayudarte con tu viaje AR1140 EZE → MAD: escribí «vuelo» para el horario y el estado de tu vuelo, "
            + "«itinerario» para tu plan de viaje o «documentos» para tus pasajes y vouchers. También podés hacerme "
            + "cualquier otra pregunta."),
    ])
    func fixedAnswers(body: String, reply: String) async throws {
        let report = try await S.run(body: body, fixtures: DryRunFixtures(trips: [S.madrid]))
        #expect(S.replies(report) == [reply])
        #expect(report.calls["aeroapi"] == 0 && report.calls["openai"] == 0)
    }

    @Test("documents: one media message per document before the text, each with its own idempotency key")
    func documentsAsMedia() async throws {
        let report = try await S.run(body: "mis documentos", fixtures: DryRunFixtures(trips: [S.madrid]))
        let media = S.calls(report, "twilio.send_media")
        #expect(media.map { $0["media_url"] } == ["https://agency.example/v/1", "https://agency.example/s/2"])
        #expect(media.map { $0["body"] } == ["Voucher", "Seguro"])
        #expect(media.allSatisfy { $0["to"] == .string(S.number) })
        #expect(S.replies(report) == ["Te envié 2 documento(s) de tu viaje a Madrid: Voucher, Seguro."])
    }

    @Test("a trip without documents gets the text answer and no media")
    func noDocuments() async throws {
        var trip = S.madrid
        trip.metadata = nil
        let report = try await S.run(body: "mis documentos", fixtures: DryRunFixtures(trips: [trip]))
        #expect(S.calls(report, "twilio.send_media").isEmpty)
        #expect(S.replies(report) == ["Todavía no tenemos documentos cargados para tu viaje a Madrid. Tu agencia te los "
            + "va a enviar por este medio. Recordá viajar con tu pasaporte o DNI vigente."])
    }
}
