using Verify.Model.Evidence;

namespace Verify.Model.Experiments;

/// <summary>
/// The sizes of every experiment, in one place. <see cref="Default"/> is the embedded size that
/// `verify reproduce` and the default test run use (minutes on a 2-core laptop); <see cref="Paper"/>
/// is the paper's protocol (notes section 4), hours of CPU.
/// </summary>
/// <param name="Name">"default" or "paper".</param>
/// <param name="LShape">The L-shape and convergence sweep (m = 10, p in {0, 1, 2} in the paper).</param>
/// <param name="Success">The success-rate sweep (m = 20, p in {0.5 .. 2.5} in the paper); may equal <paramref name="LShape"/>.</param>
/// <param name="Leaky">The leaky-ReLU variant of the two-layer sweep.</param>
/// <param name="SampleSize">Teacher-aware against Gaussian data over dataset sizes.</param>
/// <param name="MultiLayer">Deep-teacher runs, one per seed.</param>
/// <param name="MultiLayerAuthors">The authors' multi-layer protocol over training-set sizes and seeds, reduced (<see cref="AuthorsReduction"/>, <see cref="AuthorsLargerReduction"/>).</param>
public sealed record ExperimentScale(
    string Name,
    TwoLayerSweep LShape,
    TwoLayerSweep Success,
    TwoLayerSweep Leaky,
    SampleSizeSweep SampleSize,
    IReadOnlyList<MultiLayerConfig> MultiLayer,
    AuthorsMultiLayerSweep MultiLayerAuthors)
{
    /// <summary>
    /// The authors' multi-layer protocol reduced to seconds: their d 20, data_std 10, batch 64,
    /// node_multi 10, lr 0.2 (MSELoss; their drop to 0.1 at epoch 20 lies past the 10 epochs) and
    /// N_eval 10,240, with teacher widths [10, 15, 20] instead of [50, 75, 100, 125], 10 epochs
    /// instead of 100, N 1,000, 4,000 and 16,000 instead of 5,000 to 2,000,000, and 2 seeds.
    /// </summary>
    public static AuthorsMultiLayerSweep AuthorsReduction { get; } = new(
        AuthorsMultiLayerConfig.Authors with { Ks = [10, 15, 20], Epochs = 10 }, [1_000, 4_000, 16_000], [1, 2]);

    /// <summary>
    /// The same reduction, larger (the Nightly tier and `--scale paper`): 25 epochs, so the lr drop
    /// to 0.1 at epoch 20 takes place, N up to 64,000, 3 seeds.
    /// </summary>
    public static AuthorsMultiLayerSweep AuthorsLargerReduction { get; } = new(
        AuthorsMultiLayerConfig.Authors with { Ks = [10, 15, 20], Epochs = 25 }, [1_000, 4_000, 16_000, 64_000], [1, 2, 3]);

    static readonly long[] DefaultSeeds = [1, 2, 3];
    static readonly long[] PaperSeeds = [1, 2, 3, 4, 5];

    /// <summary>
    /// d = 100 as in the paper, but N_train = N_eval = 4,000 and 10 epochs of 1,000 iterations
    /// (the paper: 10,000 and 100 epochs), 3 seeds; the L-shape and convergence sweep at m = 10,
    /// p in {0, 1, 2}, and the success-rate sweep at the paper's m = 20 with p in {0.5, 1.5, 2.5}
    /// (the paper: 0.5 to 2.5 in steps of 0.5).
    /// </summary>
    public static ExperimentScale Default { get; } = Build("default",
        twoLayer: new TwoLayerConfig { NTrain = 4000, NEval = 4000, Epochs = 10 },
        lshapeM: 10, successM: 20, successDecays: [0.5, 1.5, 2.5], seeds: DefaultSeeds,
        sampleSizes: [15, 30, 60, 120, 240, 480], sampleEpochs: 10, sampleEval: 4000,
        multiLayer: new MultiLayerConfig { D = 20, Widths = [10, 15, 20], Outputs = 20, NTrain = 500, NEval = 4000, Epochs = 20, LearningRate = 0.05 },
        multiLayerAuthors: AuthorsReduction);

    /// <summary>The paper's protocol (notes section 4) with 5 seeds.</summary>
    public static ExperimentScale Paper { get; } = Build("paper",
        twoLayer: TwoLayerConfig.Paper,
        lshapeM: 10, successM: 20, successDecays: [0.5, 1, 1.5, 2, 2.5], seeds: PaperSeeds,
        sampleSizes: [15, 30, 60, 120, 240, 480, 960, 1920], sampleEpochs: 100, sampleEval: 10_000,
        multiLayer: MultiLayerConfig.Paper, multiLayerAuthors: AuthorsLargerReduction);

    public static ExperimentScale Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "default" => Default,
        "paper" => Paper,
        _ => throw new ArgumentException($"Unknown scale '{name}': expected 'default' or 'paper'.", nameof(name)),
    };

    static ExperimentScale Build(string name, TwoLayerConfig twoLayer, int lshapeM, int successM, double[] successDecays, long[] seeds,
        int[] sampleSizes, int sampleEpochs, int sampleEval, MultiLayerConfig multiLayer, AuthorsMultiLayerSweep multiLayerAuthors)
    {
        int[] multis = [1, 2, 5, 10];
        var lshape = new TwoLayerSweep(twoLayer with { M = lshapeM }, multis, [0, 1, 2], seeds);
        var success = lshapeM == successM && successDecays.SequenceEqual([0.0, 1, 2])
            ? lshape
            : new TwoLayerSweep(twoLayer with { M = successM }, multis, successDecays, seeds);
        var leaky = new TwoLayerSweep(twoLayer with { M = lshapeM, Activation = Networks.Activation.LeakyRelu(0.1) }, [1, 5], [1], seeds.Take(2).ToArray());
        var sample = new SampleSizeSweep(
            twoLayer with { M = 5, Multi = 2, Decay = 1, NEval = sampleEval, Epochs = sampleEpochs }, sampleSizes, seeds);
        var deep = seeds.Select(s => multiLayer with { Seed = s }).ToArray();
        return new ExperimentScale(name, lshape, success, leaky, sample, deep, multiLayerAuthors);
    }
}
