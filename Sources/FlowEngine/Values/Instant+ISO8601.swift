extension Instant {
    /// Parses strict ISO-8601 with a zone: `2026-07-08T10:00:00Z`, `2026-07-08T07:00:00-03:00`,
    /// optional fractional seconds. A value without a zone is rejected (R5): naive times are errors.
    public init?(iso8601 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Instant(iso8601Bytes: $0) }) else { return nil }
        self = parsed
    }

    /// `init(iso8601:)` over the UTF-8 bytes of the text.
    public init?(iso8601Bytes b: UnsafeBufferPointer<UInt8>) {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var v = 0
            for k in 0..<count {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += count
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2),
              i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32
        else { return nil }
        i += 1
        guard let hour = digits(2), expect(58), let minute = digits(2) else { return nil }
        var second = 0
        if expect(58) {
            guard let s = digits(2) else { return nil }
            second = s
        }
        var millis = 0
        if i < b.count, b[i] == 46 || b[i] == 44 {
            i += 1
            var scale = 100
            var any = false
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                millis += Int(b[i] - 48) * scale
                scale /= 10
                i += 1
                any = true
            }
            guard any else { return nil }
        }
        var offsetSeconds = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = digits(2) else { return nil }
            _ = expect(58)
            guard let om = digits(2) else { return nil }
            guard oh < 24, om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count, (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61
        else { return nil }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        self.init(epochMilliseconds: seconds * 1000 + Int64(millis))
    }

    /// `2026-07-08T10:00:00Z`, or `2026-07-08T10:00:00.250Z` when there are milliseconds.
    public var iso8601: String {
        iso8601(offsetSeconds: 0)
    }

    /// The instant as local wall time at a fixed UTC offset: `2026-07-08T07:00:00-03:00`.
    public func iso8601(offsetSeconds: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        writeISO8601(into: &bytes, offsetSeconds: offsetSeconds)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `iso8601(offsetSeconds:)` as UTF-8 (no quotes).
    public func writeISO8601(into out: inout [UInt8], offsetSeconds: Int = 0) {
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var value = value
            if value >= divisor * 10 {  // wider than `width` (years after 9999): all the digits
                out.append(contentsOf: String(value).utf8)
                return
            }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(value / divisor))
                value %= divisor
                divisor /= 10
            }
        }
        let local = epochMilliseconds + Int64(offsetSeconds) * 1000
        let seconds = local.floorDivided(by: 1000)
        let millis = Int(local - seconds * 1000)
        let days = Int(seconds.floorDivided(by: 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        if date.year < 0 {
            out.append(contentsOf: pad(date.year, 4).utf8)
        } else {
            digits(date.year, 4)
        }
        out.append(UInt8(ascii: "-"))
        digits(date.month, 2)
        out.append(UInt8(ascii: "-"))
        digits(date.day, 2)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 3600 / 60, 2)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        if millis != 0 {
            out.append(UInt8(ascii: "."))
            digits(millis, 3)
        }
        if offsetSeconds == 0 {
            out.append(UInt8(ascii: "Z"))
            return
        }
        out.append(offsetSeconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let magnitude = abs(offsetSeconds)
        digits(magnitude / 3600, 2)
        out.append(UInt8(ascii: ":"))
        digits(magnitude % 3600 / 60, 2)
    }
}

/// `YYYY-MM-DD`, as `"\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"` writes it, from bytes for
/// years 0…9999 (the interpolation built five strings).
func isoDateText(year: Int, month: Int, day: Int) -> String {
    guard (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day) else {
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
    return String(unsafeUninitializedCapacity: 10) { buffer in
        func digit(_ value: Int) -> UInt8 { UInt8(ascii: "0") + UInt8(value) }
        buffer[0] = digit(year / 1000)
        buffer[1] = digit(year / 100 % 10)
        buffer[2] = digit(year / 10 % 10)
        buffer[3] = digit(year % 10)
        buffer[4] = UInt8(ascii: "-")
        buffer[5] = digit(month / 10)
        buffer[6] = digit(month % 10)
        buffer[7] = UInt8(ascii: "-")
        buffer[8] = digit(day / 10)
        buffer[9] = digit(day % 10)
        return 10
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
