namespace Verify.Model.Training;

/// <summary>
/// Plain SGD as in the paper's code: W += lr * h~^T g / B per layer, batches drawn uniformly with
/// replacement from the training set. <see cref="BatchSize"/> null means full-batch gradient descent.
/// The budget is <see cref="Epochs"/> x <see cref="ItersPerEpoch"/> steps; after every epoch the
/// maximum over training samples of the per-sample lowest-layer signal norm is measured and the run
/// stops early once it is at or below <see cref="GradientTarget"/>.
/// </summary>
public sealed record SgdOptions
{
    public double LearningRate { get; init; } = 0.01;
    public int? BatchSize { get; init; } = 16;
    public int Epochs { get; init; } = 100;
    public int ItersPerEpoch { get; init; } = 1000;

    /// <summary>Stop once max_x ||g_1(x)|| &lt;= this (the theorems' "small gradient at every sample").</summary>
    public double? GradientTarget { get; init; }

    /// <summary>
    /// True (the default): the whole training set is measured (loss, max_x ||g_1(x)||) after every
    /// epoch, and every epoch has a record in the history. False: only after the last epoch, for
    /// runs that need the end state alone (a sweep whose per-epoch numbers come from its own
    /// evaluation); a paper-size measurement costs as much as a few hundred steps. Needs no
    /// <see cref="GradientTarget"/>, which is checked on measurements. Divergence is caught at the
    /// step either way.
    /// </summary>
    public bool MeasureEveryEpoch { get; init; } = true;

    /// <summary>Learning-rate drops: from epoch E (0-based) on, the rate is R. Sorted by epoch.</summary>
    public IReadOnlyList<(int Epoch, double Rate)> Schedule { get; init; } = [];

    /// <summary>The paper's two-layer protocol: lr 0.01, batch 16, 100 epochs of 1000 iterations.</summary>
    public static SgdOptions Paper { get; } = new();

    public double RateAt(int epoch)
    {
        var rate = LearningRate;
        foreach (var (e, r) in Schedule)
            if (epoch >= e) rate = r;
        return rate;
    }

    /// <summary>Throws one message naming the first out-of-range field; <paramref name="datasetSize"/> bounds the batch.</summary>
    public void Validate(int datasetSize)
    {
        CheckRate(LearningRate, nameof(LearningRate));
        foreach (var (e, r) in Schedule)
        {
            if (e < 0) throw new ArgumentOutOfRangeException(nameof(Schedule), e, $"Schedule epochs must be >= 0; got {e}.");
            CheckRate(r, nameof(Schedule));
        }
        if (BatchSize is { } b && (b < 1 || b > datasetSize))
            throw new ArgumentOutOfRangeException(nameof(BatchSize), b, $"Batch size must lie in 1..{datasetSize} (the dataset size); got {b}.");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"Epochs must be >= 1; got {Epochs}.");
        if (ItersPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(ItersPerEpoch), ItersPerEpoch, $"Iterations per epoch must be >= 1; got {ItersPerEpoch}.");
        if (GradientTarget is { } g && (!double.IsFinite(g) || g < 0))
            throw new ArgumentOutOfRangeException(nameof(GradientTarget), g, $"Gradient target must be finite and >= 0; got {g}.");
        if (GradientTarget is not null && !MeasureEveryEpoch)
            throw new ArgumentException($"A gradient target ({GradientTarget}) is checked on the measurement after each epoch; it needs {nameof(MeasureEveryEpoch)} = true.", nameof(MeasureEveryEpoch));
    }

    static void CheckRate(double rate, string name)
    {
        if (!double.IsFinite(rate) || rate <= 0)
            throw new ArgumentOutOfRangeException(name, rate, $"Learning rate must be finite and > 0; got {rate}.");
    }
}
