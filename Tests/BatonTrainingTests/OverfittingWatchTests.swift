import BatonTraining
import Testing

@Suite struct OverfittingWatchTests {
    @Test func warnsWhenValidationRisesWhileTrainingFalls() {
        var watch = OverfittingWatch()
        #expect(watch.observe(train: 1.5, validation: 1.4) == nil)
        #expect(watch.observe(train: 1.2, validation: 1.1) == nil, "both fall: learning")
        #expect(watch.observe(train: 1.1, validation: 1.15) == nil, "a small rise is noise")
        let warning = watch.observe(train: 0.8, validation: 1.5)
        #expect(warning?.hasPrefix("validation loss rose from 1.100 to 1.500 while training loss fell from 1.200 to 0.800") == true, "\(warning ?? "nil")")
        #expect(watch.warning == warning)
        #expect(watch.observe(train: 0.7, validation: 1.6) != nil, "renewed with the latest numbers")
    }

    @Test func bothRisingOrNegativeLossesAreJudgedFairly() {
        var rising = OverfittingWatch()
        rising.observe(train: 1.0, validation: 1.0)
        #expect(rising.observe(train: 1.3, validation: 1.5) == nil, "training rose too: not overfitting (a bad learning rate, say)")
        // Mixture-density losses can be negative: the margin is in nats, not a ratio.
        var negative = OverfittingWatch()
        negative.observe(train: -2.0, validation: -2.2)
        #expect(negative.observe(train: -2.5, validation: -2.15) == nil)
        #expect(negative.observe(train: -2.8, validation: -1.9) != nil)
        #expect(negative.observe(train: .nan, validation: 5) == nil)
    }
}
