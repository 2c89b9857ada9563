extension BuiltinFunctions {
    static let collectionFunctions: [BuiltinFunction] = [
        function(
            "len", 1...1, "len(text|list|object) -> number", "Characters of a string, items of a list, keys of an object; 0 for null.",
            example: "len([1, 2, 3])  →  3"
        ) { a throws(EvaluationError) in
            switch a[0] {
            case .string(let s): return .number(Double(s.count))
            case .array(let items): return .number(Double(items.count))
            case .object(let members): return .number(Double(members.count))
            case .null: return .number(0)
            default: throw a.wrongType(0, expected: "a string, list or object")
            }
        },
        function("first", 1...1, "first(list) -> any", "The first item, or null when empty.", example: "first([3, 4])  →  3") {
            a throws(EvaluationError) in a[0].isNull ? .null : try a.list(0).first ?? .null
        },
        function("last", 1...1, "last(list) -> any", "The last item, or null when empty.", example: "last([3, 4])  →  4") {
            a throws(EvaluationError) in a[0].isNull ? .null : try a.list(0).last ?? .null
        },
        function(
            "at", 2...2, "at(list, i) -> any", "The item at 0-based index i (negative from the end), or null.",
            example: "at(['a', 'b'], -1)  →  'b'"
        ) { a throws(EvaluationError) in
            let items = try a.list(0)
            let i = try a.integer(1)
            let position = i < 0 ? items.count + i : i
            return items.indices.contains(position) ? items[position] : .null
        },
        function("keys", 1...1, "keys(object) -> list", "The keys, sorted.", example: "keys({b: 1, a: 2})  →  ['a', 'b']") {
            a throws(EvaluationError) in .array(try a.object(0).keys.sorted().map(Value.string))
        },
        function(
            "values", 1...1, "values(object) -> list", "The values, in key order.", example: "values({b: 1, a: 2})  →  [2, 1]"
        ) { a throws(EvaluationError) in
            let members = try a.object(0)
            return .array(members.keys.sorted().map { members[$0]! })
        },
        function(
            "has", 2...2, "has(object, key) -> bool", "Whether the object has the key with a non-null value.",
            example: "has({a: 1}, 'a')  →  true"
        ) { a throws(EvaluationError) in
            if a[0].isNull { return .bool(false) }
            return .bool((try a.object(0)[try a.string(1)] ?? .null) != .null)
        },
        function(
            "slice", 2...3, "slice(list|text, start, end?) -> list|string",
            "Items from start up to (not including) end; negative indexes count from the end; clamped.",
            example: "slice([1, 2, 3, 4], 1, 3)  →  [2, 3]"
        ) { a throws(EvaluationError) in
            func bounds(_ count: Int) throws(EvaluationError) -> Range<Int> {
                func clamp(_ i: Int) -> Int { min(max(i < 0 ? count + i : i, 0), count) }
                let start = clamp(try a.integer(1))
                let end = a.count > 2 ? clamp(try a.integer(2)) : count
                return start..<max(start, end)
            }
            if case .string(let s) = a[0] {
                let characters = Array(s)
                return .string(String(characters[try bounds(characters.count)]))
            }
            let items = try a.list(0)
            return .array(Array(items[try bounds(items.count)]))
        },
        function(
            "sort", 1...2, "sort(list, field?) -> list",
            "Sorted ascending (numbers, strings, instants or durations); with a field, objects by that field.",
            example: "sort([3, 1, 2])  →  [1, 2, 3]"
        ) { a throws(EvaluationError) in
            let items = try a.list(0)
            let field = a.count > 1 ? try a.string(1) : nil
            let keys: [Value] = items.map { item in field.map { item[$0] ?? .null } ?? item }
            for key in keys where Operators.compare(key, keys[0]) == nil {
                throw a.failure("cannot sort: \(key.typeName) and \(keys[0].typeName) are not comparable")
            }
            let order = keys.indices.sorted { (Operators.compare(keys[$0], keys[$1]) ?? 0) < 0 || (keys[$0] == keys[$1] && $0 < $1) }
            return .array(order.map { items[$0] })
        },
        function(
            "unique", 1...1, "unique(list) -> list", "Drops repeated items, keeping the first.",
            example: "unique([1, 2, 1])  →  [1, 2]"
        ) { a throws(EvaluationError) in
            var seen = Set<Value>()
            return .array(try a.list(0).filter { seen.insert($0).inserted })
        },
        function(
            "sum", 1...1, "sum(list) -> number|duration", "The sum of numbers (0 when empty) or of durations.",
            example: "sum([1, 2, 3])  →  6"
        ) { a throws(EvaluationError) in
            let items = try a.list(0)
            if case .duration = items.first {
                var total = TimeSpan.zero
                for item in items {
                    guard case .duration(let d) = item else { throw a.failure("cannot add a \(item.typeName) to durations") }
                    total = total + d
                }
                return .duration(total)
            }
            var total = 0.0
            for item in items {
                guard case .number(let n) = item else { throw a.failure("cannot add a \(item.typeName) to numbers") }
                total += n
            }
            return .number(total)
        },
        function(
            "count", 1...2, "count(list, value?) -> number", "Non-null items; with a value, the items equal to it.",
            example: "count(['ok', 'late', 'ok'], 'ok')  →  2"
        ) { a throws(EvaluationError) in
            let items = try a.list(0)
            return .number(Double(a.count > 1 ? items.count(where: { $0 == a[1] }) : items.count(where: { !$0.isNull })))
        },
        function(
            "pluck", 2...2, "pluck(list, field) -> list", "The field of each object (null where missing).",
            example: "pluck([{code: 'EZE'}, {code: 'MAD'}], 'code')  →  ['EZE', 'MAD']"
        ) { a throws(EvaluationError) in
            let field = try a.string(1)
            return .array(try a.list(0).map { $0[field] ?? .null })
        },
        function(
            "where", 3...3, "where(list, field, value) -> list", "The objects whose field equals the value.",
            example: "where([{s: 'ok'}, {s: 'late'}], 's', 'ok')  →  [{s: 'ok'}]"
        ) { a throws(EvaluationError) in
            let field = try a.string(1)
            return .array(try a.list(0).filter { ($0[field] ?? .null) == a[2] })
        },
    ]
}
