using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// The batches of PyTorch's DataLoader with shuffle=True and drop_last=False, the authors' training
/// loader: every epoch a fresh permutation of the training set, cut in order into N / B batches of
/// B samples and, when B does not divide N, one last batch of the N mod B left. Permutations are
/// drawn on the CPU from the run's own generator, so a run sees the same batches on every device.
/// </summary>
internal sealed class ShuffledPasses : IDisposable
{
    readonly Generator generator;

    public int Count { get; }
    public int Batch { get; }

    /// <summary>Batches of <see cref="Batch"/> samples per epoch.</summary>
    public int FullBatches => Count / Batch;

    /// <summary>Samples of the last, smaller batch of an epoch (0: none).</summary>
    public int Tail => Count % Batch;

    /// <summary>Steps per epoch: every batch, the smaller last one included.</summary>
    public int StepsPerEpoch => FullBatches + (Tail > 0 ? 1 : 0);

    public ShuffledPasses(long seed, int count, int batch)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"The training set needs at least one sample; got {count}.");
        if (batch < 1 || batch > count) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch size must lie in 1..{count} (the training-set size); got {batch}.");
        generator = new Generator((ulong)seed, CPU);
        Count = count;
        Batch = batch;
    }

    /// <summary>The next epoch's order of the samples: (N), int64, on the CPU. The caller owns the tensor.</summary>
    public Tensor NextEpoch() => randperm(Count, generator: generator, dtype: ScalarType.Int64);

    public void Dispose() => generator.Dispose();
}
