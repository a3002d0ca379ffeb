namespace Verify.Model.Evidence;

/// <summary>
/// A scaled-down version of the paper's multi-layer experiment (notes section 4): a deep teacher
/// with grid weights and biases tuned so each node is active on about half the data, Gaussian
/// inputs, a student <see cref="Multi"/> times wider at every layer, plain SGD with a learning-rate
/// drop halfway. The paper's sizes are d = 20, widths [50, 75, 100, 125], 100 outputs, batch 64.
/// </summary>
public sealed record MultiLayerConfig
{
    public int D { get; init; } = 20;
    public IReadOnlyList<int> Widths { get; init; } = [50, 75, 100, 125];
    public int Outputs { get; init; } = 100;
    public int Multi { get; init; } = 2;
    public double InputStd { get; init; } = 1.5;
    public int NTrain { get; init; } = 10_000;
    public int NEval { get; init; } = 10_000;
    public int Batch { get; init; } = 64;
    public double LearningRate { get; init; } = 0.01;
    public int Epochs { get; init; } = 20;
    public int ItersPerEpoch { get; init; } = 1000;
    public long Seed { get; init; } = 1;

    /// <summary>
    /// The paper's multi-layer setting where this trainer can run it (notes section 4): d 20, teacher
    /// widths [50, 75, 100, 125], 100 outputs, a student twice as wide, batch 64, 100 epochs of 1,000
    /// iterations, N 10,000. Two departures, measured (seed 1, N 5,000, 5 x 1,000 steps):
    /// the paper's inputs N(0, 10^2 I) with lr 0.2 then 0.1 diverge here (the objective is 1/2 the sum
    /// over the 100 outputs, not a mean), and so do lr 0.004 and 0.002 (0.2 scaled by 2 / 100); lr 0.01
    /// does not diverge but stalls at train loss 81 with lowest-layer correlation 0.29. So the inputs
    /// keep std 1.5 and lr 0.01 then 0.005, the two-layer protocol's. Those runs use this suite's teacher
    /// and student; with the authors' own (standardized outputs, PyTorch's init) their rates train:
    /// <see cref="Experiments.AuthorsMultiLayer"/>.
    /// </summary>
    public static MultiLayerConfig Paper { get; } = new() { Epochs = 100 };

    /// <summary>The same run stopped after one SGD step: the under-trained control of the multi-layer claim.</summary>
    public MultiLayerConfig UnderTrained() => this with { Epochs = 1, ItersPerEpoch = 1 };

    public void Validate()
    {
        if (D < 1 || Outputs < 1 || Multi < 1 || NTrain < 2 || NEval < 2 || Epochs < 1 || ItersPerEpoch < 1 || Batch < 1 || Batch > NTrain)
            throw new ArgumentException($"Invalid multi-layer configuration: {this}.");
        if (Widths.Count < 2 || Widths.Any(w => w < 1)) throw new ArgumentException($"A multi-layer teacher needs at least two hidden layers of width >= 1; got [{string.Join(", ", Widths)}].");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || !double.IsFinite(InputStd) || InputStd <= 0)
            throw new ArgumentException($"Learning rate and input std must be finite and > 0: {this}.");
    }

    public override string ToString() => System.FormattableString.Invariant(
        $"seed {Seed}, d {D}, teacher widths [{string.Join(",", Widths)}], outputs {Outputs}, multi {Multi}, input std {InputStd}, N_train {NTrain}, N_eval {NEval}, {Epochs}x{ItersPerEpoch} iters, batch {Batch}, lr {LearningRate} then {LearningRate / 2}");
}
