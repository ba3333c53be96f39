@testable import BatonCLI
import Testing

/// `baton serve` refuses options outside the limits it holds clients to.
@Suite struct ServeOptionsTests {
    @Test func rejectsRatesAndOriginsOutsideTheLimits() {
        let message = CommandParsingTests.validationMessage
        #expect(message(["serve", "--rate", "-1"])?.contains("--rate") == true)
        #expect(message(["serve", "--rate", "1e-30"])?.contains("--rate") == true)
        #expect(message(["serve", "--rate", "nan"]) != nil)
        #expect(message(["serve", "--max-text-rate", "0"])?.contains("--max-text-rate") == true)
        #expect(message(["serve", "--max-text-rate", "1e30"])?.contains("--max-text-rate") == true)
        #expect(message(["serve", "--allow-origin", "evil.example"])?.contains("--allow-origin") == true)
        #expect(message(["serve", "--rate", "0", "--max-text-rate", "200", "--allow-origin", "http://localhost:3000"]) == nil)
    }
}
