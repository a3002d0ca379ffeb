using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// Draws a run's mini-batch indices, uniformly with replacement, from the run's own generator, a
/// chunk of steps at a time. Every trial of <see cref="SgdTrainer"/> draws through its own sampler with
/// the same chunking, so a trial trained in a stack sees exactly the batches it would see alone.
/// Indices are always drawn on the CPU and then moved to the data's device: CUDA's generator gives
/// another stream for the same seed, and a run must see the same batches on every device.
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
        generator = new Generator((ulong)seed, CPU);
        this.count = count;
        this.batch = batch;
        this.device = device;
    }

    /// <summary>Steps in the chunk that starts at iteration <paramref name="iteration"/> of an epoch of <paramref name="itersPerEpoch"/>.</summary>
    public static int ChunkLength(int iteration, int itersPerEpoch) => Math.Min(ChunkSteps, itersPerEpoch - iteration);

    /// <summary>Indices for the next <paramref name="steps"/> steps: (steps, batch), int64. The caller owns the tensor.</summary>
    public Tensor Next(int steps)
    {
        var indices = randint(0, count, [steps, batch], dtype: ScalarType.Int64, generator: generator);
        if (device.type == DeviceType.CPU) return indices;
        using (indices) return indices.to(device);
    }

    public void Dispose() => generator.Dispose();
}
