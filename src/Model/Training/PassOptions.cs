namespace Verify.Model.Training;

/// <summary>
/// Plain SGD by shuffled passes over the training set (<see cref="PassTrainer"/>): <see cref="Epochs"/>
/// passes, batches of <see cref="Batch"/> (the last of a pass smaller when B does not divide N), and
/// a rate per epoch from <see cref="Schedule"/>, in the suite's step units
/// (W += (lr / B) h~^T r; <see cref="MseRate"/> converts PyTorch MSELoss rates).
/// </summary>
public sealed record PassOptions
{
    public int Batch { get; init; } = 64;
    public int Epochs { get; init; } = 100;

    /// <summary>From epoch E (0-based) on, the rate is R; sorted by epoch, the first at epoch 0 (the authors' "{0:0.2,20:0.1}").</summary>
    public IReadOnlyList<(int Epoch, double Rate)> Schedule { get; init; } = [(0, 0.004)];

    public double RateAt(int epoch)
    {
        var rate = Schedule[0].Rate;
        foreach (var (e, r) in Schedule)
            if (epoch >= e) rate = r;
        return rate;
    }

    /// <summary>Throws one message naming the first out-of-range field; <paramref name="datasetSize"/> bounds the batch.</summary>
    public void Validate(int datasetSize)
    {
        if (Batch < 1 || Batch > datasetSize)
            throw new ArgumentOutOfRangeException(nameof(Batch), Batch, $"Batch size must lie in 1..{datasetSize} (the dataset size); got {Batch}.");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"Epochs must be >= 1; got {Epochs}.");
        if (Schedule is null || Schedule.Count == 0 || Schedule[0].Epoch != 0)
            throw new ArgumentException("The learning-rate schedule must start at epoch 0.", nameof(Schedule));
        for (var i = 0; i < Schedule.Count; i++)
        {
            var (e, r) = Schedule[i];
            if (i > 0 && e <= Schedule[i - 1].Epoch)
                throw new ArgumentException($"Schedule epochs must increase; got {Schedule[i - 1].Epoch} then {e}.", nameof(Schedule));
            if (!double.IsFinite(r) || r <= 0)
                throw new ArgumentOutOfRangeException(nameof(Schedule), r, $"Learning rate must be finite and > 0; got {r} from epoch {e}.");
        }
    }
}
