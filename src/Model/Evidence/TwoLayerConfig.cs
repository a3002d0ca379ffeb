using Verify.Model.Networks;
using Verify.Model.Runtime;

namespace Verify.Model.Evidence;

/// <summary>
/// One two-layer training run of the paper's protocol (notes section 4). Defaults are the paper's:
/// d = 100, m = 10, 50 outputs, Gaussian data with std 1.5, N_train = N_eval = 10,000, plain SGD
/// with lr 0.01, batch 16, 1,000 iterations per epoch, 100 epochs.
/// Seeds: every stream is named from <see cref="Seed"/> (<see cref="Seeds.Of(long, string)"/>): "teacher",
/// "train-inputs", "eval-inputs" and "batches", and "student" indexed by multi. So all configurations
/// of one seed (every multi and every decay p) share the teacher's lowest layer (p changes only the
/// fan-outs above it, <see cref="Teacher.Build"/>), the training and evaluation inputs, and the
/// sequence of mini-batch indices; configurations of one seed and one multi also share the initial
/// student. Comparisons across multi and across p within a seed are therefore paired (common random
/// numbers): they differ only in what the configuration changes. The sweep uses the sharing for
/// speed too: the runs of one seed train in one kernel whose first-layer products are one wide
/// product, and are evaluated by one wide product per epoch (<see cref="Experiments.TwoLayerExperiment.RunAll"/>);
/// each run's numbers equal the same run trained alone, to round-off.
/// </summary>
public sealed record TwoLayerConfig
{
    public int D { get; init; } = 100;
    public int M { get; init; } = 10;
    public int Multi { get; init; } = 5;
    public double Decay { get; init; }
    public int Outputs { get; init; } = 50;
    public int Epochs { get; init; } = 100;
    public int ItersPerEpoch { get; init; } = 1000;
    public int Batch { get; init; } = 16;
    public double LearningRate { get; init; } = 0.01;
    public int NTrain { get; init; } = 10_000;
    public int NEval { get; init; } = 10_000;
    public long Seed { get; init; } = 1;

    /// <summary>Training inputs: Gaussian (the paper's main runs) or the teacher-aware augmentation.</summary>
    public TrainingData TrainData { get; init; } = TrainingData.Gaussian;

    /// <summary>Teacher and student activation (ReLU in the paper's main runs).</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>The epoch at which "early" coverage is read (5 in the success-rate figure; capped by <see cref="Epochs"/>).</summary>
    public int EarlyEpoch { get; init; } = 5;

    /// <summary>Coverage threshold tau for <see cref="TwoLayerRun.FirstCoveredEpoch"/> (0.95, as in the paper's success-rate figure).</summary>
    public double Tau { get; init; } = Rules.Tau;

    public static TwoLayerConfig Paper { get; } = new();

    /// <summary>Student width n = m * multi.</summary>
    public int N => M * Multi;

    /// <summary>Throws one message naming the first out-of-range field.</summary>
    public void Validate()
    {
        Check(D >= 1, nameof(D), D, "d must be >= 1");
        Check(M >= 1, nameof(M), M, "m must be >= 1");
        Check(Multi >= 1, nameof(Multi), Multi, "multi must be >= 1");
        Check(double.IsFinite(Decay) && Decay >= 0, nameof(Decay), Decay, "decay p must be finite and >= 0");
        Check(Outputs >= 1, nameof(Outputs), Outputs, "outputs must be >= 1");
        Check(Epochs >= 1, nameof(Epochs), Epochs, "epochs must be >= 1");
        Check(ItersPerEpoch >= 1, nameof(ItersPerEpoch), ItersPerEpoch, "iterations per epoch must be >= 1");
        Check(NTrain >= 2, nameof(NTrain), NTrain, "n_train must be >= 2");
        Check(NEval >= 2, nameof(NEval), NEval, "n_eval must be >= 2");
        Check(Batch >= 1 && Batch <= NTrain, nameof(Batch), Batch, $"batch must lie in 1..n_train ({NTrain})");
        Check(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), LearningRate, "lr must be finite and > 0");
        Check(EarlyEpoch >= 1, nameof(EarlyEpoch), EarlyEpoch, "early epoch must be >= 1");
        Check(Tau is > -1 and < 1, nameof(Tau), Tau, "tau must lie in (-1, 1)");
    }

    static void Check(bool ok, string name, object value, string rule)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{rule}; got {value}.");
    }

    public override string ToString() => FormattableString.Invariant(
        $"seed {Seed}, {TrainData} data, d {D}, m {M}, multi {Multi}, p {Decay}, {Activation}, N_train {NTrain}, N_eval {NEval}, {Epochs}x{ItersPerEpoch} iters, batch {Batch}, lr {LearningRate}");
}
