using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Runtime;

/// <summary>
/// The step's operations on the CPU where a libtorch call costs more than the arithmetic: products
/// written in place by MKL's batched GEMM inside libtorch or the suite's small-matrix kernel
/// (<see cref="BatchedGemm"/>, <see cref="SmallGemm"/>), and the activation, the gate, the residuals
/// with their losses and the gather in single passes over host memory (<see cref="HostMemory"/>).
/// </summary>
/// <remarks>
/// Each direct computation takes the tensors it can read as they lie (float64 or float32, rows of
/// stride 1, no overlap) and declines the rest, writing nothing; this class then hands the same
/// operation to the reference (<see cref="TorchStepOps"/>). That hand-over is written here once, for
/// every caller.
/// </remarks>
internal sealed class DirectStepOps(IStepOps reference) : IStepOps
{
    public string Name => "direct (" + TorchRuntime.BatchedProducts + ")";

    public void Multiply(Tensor c, Tensor a, Tensor b)
    {
        if (!BatchedGemm.TryMultiply(c, a, b, alpha: 1, beta: 0)) reference.Multiply(c, a, b);
    }

    public void MultiplyAdd(Tensor c, Tensor a, Tensor b)
    {
        if (!BatchedGemm.TryMultiply(c, a, b, alpha: 1, beta: 1)) reference.MultiplyAdd(c, a, b);
    }

    public Tensor Residual(Tensor y, Tensor a, Tensor w) => reference.Residual(y, a, w);

    public void Activate_(Tensor u, double slope)
    {
        if (slope == 1.0 || HostMemory.Activate_(u, slope)) return;
        reference.Activate_(u, slope);
    }

    public void ActivateInto_(Tensor u, Tensor copy, double slope)
    {
        if (!HostMemory.ActivateInto_(u, copy, slope)) reference.ActivateInto_(u, copy, slope);
    }

    public void Gate_(Tensor s, Tensor x, double slope)
    {
        if (slope == 1.0 || HostMemory.Gate_(s, x, Rectifier.Open(slope, s.dtype), slope)) return;
        reference.Gate_(s, x, slope);
    }

    public double[] HalfSquaredNorms(Tensor r) =>
        HostMemory.HalfSumsOfSquares(r, r.dim() == 2 ? 1 : r.size(0)) ?? reference.HalfSquaredNorms(r);

    /// <summary>The reference's: a pass over host memory would read the losses to the host.</summary>
    public Tensor HalfSquaredNormsOnDevice(Tensor r) => reference.HalfSquaredNormsOnDevice(r);

    /// <summary>The reference's, for the same reason.</summary>
    public Tensor ResidualsOnDevice_(Tensor r, Tensor y, Tensor rows, long step, Tensor scale) => reference.ResidualsOnDevice_(r, y, rows, step, scale);

    public double[] Residuals_(Tensor r, Tensor y, Tensor rows, long step, double[] scales, Tensor scale)
    {
        var losses = new double[scales.Length];
        return HostMemory.ResidualsFromTargets_(r, y, rows, step, scales, losses) ? losses : reference.Residuals_(r, y, rows, step, scales, scale);
    }

    /// <summary>Float64 rows into the caller's buffer, each asked for ahead of its copy (<see cref="HostMemory.GatherRows_"/>); any other matrix by index_select.</summary>
    public Tensor GatherRows(Tensor source, Tensor rows, ref Tensor? buffer)
    {
        if (source.dtype != ScalarType.Float64 || source.device_type != DeviceType.CPU) return reference.GatherRows(source, rows, ref buffer);
        var needed = rows.size(0);
        if (buffer is null || buffer.size(0) < needed || buffer.size(1) != source.size(1))
        {
            buffer?.Dispose();
            buffer = empty([Math.Max(needed, 1024), source.size(1)], dtype: source.dtype, device: source.device).DetachFromDisposeScope();
        }
        var into = buffer.narrow(0, 0, needed);
        if (HostMemory.GatherRows_(into, source, rows)) return into;
        into.Dispose();
        return reference.GatherRows(source, rows, ref buffer);
    }
}
