import Testing
@testable import LuaBridge

/// The importer pushes every row (a table of ~20 strings) through a Lua validation function;
/// the benchmark wants at least 250k rows/s on one core in release builds.
@Suite struct CallThroughputTests {
    @Test func rowsPerSecondThroughAValidationFunction() throws {
        let lua = try LuaState()
        let validate = try #require(try lua.run(string: """
            return function(row)
              if row.name == "" then return { "name is mandatory" } end
              if #row.phone > 30 then return { "phone too long" } end
              return nil
            end
            """, chunkName: "rules/validate.lua").first?.functionValue)
        var fields: [LuaKey: LuaValue] = [:]
        for column in 0..<18 { fields[.string("column_\(column)")] = .string("value number \(column) of the row") }
        fields[.string("name")] = .string("Ada Lovelace")
        fields[.string("phone")] = .string("+380 44 123 45 67")
        let row = LuaValue.table(LuaTable(fields: fields))

        let rows = 100_000
        let clock = ContinuousClock()
        var failures = 0
        let elapsed = try clock.measure {
            for _ in 0..<rows {
                let result = try lua.call(validate, [row])
                if result.first?.isNil == false { failures += 1 }
            }
        }
        #expect(failures == 0)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(rows) / seconds
        print("LuaBridge: \(Int(rate)) rows/s through call (20 string fields)")
        #if !DEBUG
        // A floor well under the 250k target: the test machines are shared, so the real
        // measurement belongs to the benchmark (about 240k rows/s here at load average 8).
        #expect(rate > 100_000)
        #endif
    }
}
