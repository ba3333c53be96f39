import BatonCore
import BatonTraining

/// Stroke models predict y down (screen coordinates). A model trained on y-up data
/// (`train strokes --y-axis up`, stored as `data_y_axis: up`) was trained on flipped data,
/// so files in that data's convention (for `eval`, or `draw --prime`) are flipped the same way.
enum StrokeFrame {
    static func dataIsYUp(_ model: Model) -> Bool { model.metadata["data_y_axis"] == "up" }

    static func toModelFrame(_ events: SequenceSet, for model: Model) -> SequenceSet {
        dataIsYUp(model) && events.dims >= 2 ? events.negating(dimension: 1) : events
    }
}
