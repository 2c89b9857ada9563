import FlowEngine
import FlowRuntime
import Testing
import Travel

/// Length limits count Unicode code points, as the OpenAPI document's `maxLength` does (JSON
/// Schema), not the characters Swift sees: 2,000 combining accents on one letter are one `Character`
/// but 2,001 code points, over `query`'s 2,000.
struct CodePointLimitTests {
    static func body(query: String, user: String = "u-1") -> Value {
        ["user_id": .string(user), "query": .string(query)]
    }

    @Test func aQueryOfCombiningMarksCountsItsCodePoints() throws {
        let over = "e" + String(repeating: "\u{0301}", count: PlanRequest.maximumQuery)
        #expect(over.count == 1 && over.unicodeScalars.count == 2_001)
        #expect(throws: APIError.self) { try PlanRequest.input(Self.body(query: over), declaredBy: []) }
        let atLimit = "e" + String(repeating: "\u{0301}", count: PlanRequest.maximumQuery - 1)
        #expect(try PlanRequest.input(Self.body(query: atLimit), declaredBy: [])["query"] == .string(atLimit))
    }

    @Test func aUserIDOfCombiningMarksCountsItsCodePoints() {
        let over = "u" + String(repeating: "\u{0301}", count: PlanRequest.maximumUserID)
        #expect(throws: APIError.self) { try PlanRequest.input(Self.body(query: "Rome", user: over), declaredBy: []) }
    }
}
