extension BuiltinFunctions {
    /// The traveller-facing time formats in a language the flows speak (`TravellerTimeFormat`).
    static let languageFunctions: [BuiltinFunction] = [
        function(
            "format_human_in", 4...4, "format_human_in(instant, zone, iata, language) -> string",
            "format_human in a language: `es` as format_human, `en` as `Wed 8 Jul 22:05 (LHR)`; another language is an error.",
            example:
                "format_human_in(instant('2026-07-08T21:05:00Z'), 'Europe/London', 'LHR', 'en')  →  'Wed 8 Jul 22:05 (LHR)'"
        ) { a throws(EvaluationError) in
            .string(TravellerTimeFormat.human(
                try a.instant(0), zone: try a.zone(1), iata: try a.string(2), language: try a.language(3)))
        },
        function(
            "format_local_in", 3...3, "format_local_in(instant, zone, language) -> string",
            "format_local in a language: `es` as format_local, `en` as `8 Jul 11:30`; another language is an error.",
            example:
                "format_local_in(instant('2026-07-08T14:30:00Z'), 'America/Argentina/Buenos_Aires', 'en')  →  '8 Jul 11:30'"
        ) { a throws(EvaluationError) in
            .string(TravellerTimeFormat.local(try a.instant(0), zone: try a.zone(1), language: try a.language(2)))
        },
    ]
}

extension BuiltinArguments {
    func language(_ i: Int) throws(EvaluationError) -> TravellerTimeFormat.Language {
        let code = try string(i)
        guard let language = TravellerTimeFormat.Language(rawValue: code) else {
            throw failure("'\(code)' is not a supported language (\(TravellerTimeFormat.Language.codes))")
        }
        return language
    }
}
