using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// Draws a run's mini-batch indices, uniformly with replacement, from the run's own generator, a
/// chunk of steps at a time. The single-trial and the batched trainer both draw through this class
/// with the same chunking, so a trial trained in a batch sees exactly the batches it would see alone.
/// </summary>
internal sealed class BatchSampler : IDisposable
{
    /// <summary>Steps drawn per call: one random-number call per 64 steps instead of one per step.</summary>
    public const int ChunkSteps = 64;

    readonly Generator generator;
    readonly int count;
    readonly int batch;
    readonly Device device;

    public BatchSampler(long seed, int count, int batch, Device device)
    {
        generator = new Generator((ulong)seed, device);
        this.count = count;
        this.batch = batch;
        this.device = device;
    }

    /// <summary>Steps in the chunk that starts at iteration <paramref name="iteration"/> of an epoch of <paramref name="itersPerEpoch"/>.</summary>
    public static int ChunkLength(int iteration, int itersPerEpoch) => Math.Min(ChunkSteps, itersPerEpoch - iteration);

    /// <summary>Indices for the next <paramref name="steps"/> steps: (steps, batch), int64. The caller owns the tensor.</summary>
    public Tensor Next(int steps) =>
        randint(0, count, [steps, batch], dtype: ScalarType.Int64, device: device, generator: generator);

    public void Dispose() => generator.Dispose();
}
