using TorchSharp;
using Verify.Model.Networks;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Data;

/// <summary>
/// Inputs X (N, d) and the teacher's outputs Y = f*(X) (N, outputs), computed once: the
/// teacher is fixed, so every training step reads its labels instead of recomputing them.
/// </summary>
public sealed class Dataset : IDisposable
{
    public Tensor Inputs { get; }
    public Tensor Targets { get; }
    public int Count => (int)Inputs.shape[0];
    public int InputDim => (int)Inputs.shape[1];

    Dataset(Tensor inputs, Tensor targets)
    {
        // The dataset owns its tensors until Dispose, whatever dispose scope it was built in.
        Inputs = inputs.DetachFromDisposeScope();
        Targets = targets.DetachFromDisposeScope();
    }

    /// <summary>
    /// Labels <paramref name="inputs"/> with <paramref name="teacher"/> (the dataset takes ownership of a copy).
    /// <paramref name="blockRows"/> (optional) labels that many rows at a time, so that a large dataset
    /// never holds every hidden layer of every sample at once; without it, one pass over all rows.
    /// </summary>
    public static Dataset Label(RectifiedNetwork teacher, Tensor inputs, int? blockRows = null)
    {
        if (blockRows is < 1) throw new ArgumentOutOfRangeException(nameof(blockRows), blockRows, $"Rows per block must be >= 1; got {blockRows}.");
        if (inputs.dim() != 2 || inputs.shape[1] != teacher.InputDim)
            throw new ArgumentException($"Inputs have shape [{string.Join(", ", inputs.shape)}]; the teacher expects (N, {teacher.InputDim}).", nameof(inputs));
        if (inputs.shape[0] < 1) throw new ArgumentException("A dataset needs at least one sample.", nameof(inputs));
        using var scope = NewDisposeScope();
        if (!inputs.isfinite().all().item<bool>())
            throw new ArgumentException("Inputs contain non-finite values (NaN or infinity).", nameof(inputs));
        var x = inputs.to(teacher.DType, teacher.Device).detach().clone();
        using var noGrad = no_grad();
        var n = x.shape[0];
        var y = blockRows is { } b && b < n
            ? cat(Enumerable.Range(0, (int)((n + b - 1) / b)).Select(k => Block(teacher, x, k * (long)b, Math.Min(b, n - k * (long)b))).ToArray(), 0)
            : teacher.forward(x);
        return new Dataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    static Tensor Block(RectifiedNetwork teacher, Tensor x, long start, long rows)
    {
        using var scope = NewDisposeScope();
        using var part = x.narrow(0, start, rows);
        return teacher.forward(part).MoveToOuterDisposeScope();
    }

    /// <summary>The samples at <paramref name="rows"/> (int64 indices), copied into a new dataset.</summary>
    public Dataset Rows(Tensor rows)
    {
        using var scope = NewDisposeScope();
        using var index = rows.to(Inputs.device);
        return new Dataset(Inputs.index_select(0, index).MoveToOuterDisposeScope(), Targets.index_select(0, index).MoveToOuterDisposeScope());
    }

    /// <summary>Plain Gaussian inputs x ~ N(0, std^2 I_d), labelled by the teacher.</summary>
    public static Dataset Gaussian(RectifiedNetwork teacher, int count, long seed, double std = 1.5)
    {
        using var inputs = Data.Inputs.Gaussian(count, teacher.InputDim, seed, std);
        return Label(teacher, inputs);
    }

    /// <summary>The first <paramref name="count"/> samples (a view on the same storage, cloned).</summary>
    public Dataset Take(int count)
    {
        if (count < 1 || count > Count) throw new ArgumentOutOfRangeException(nameof(count), count, $"Take needs 1..{Count} samples; got {count}.");
        return new Dataset(Inputs.narrow(0, 0, count).clone(), Targets.narrow(0, 0, count).clone());
    }

    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}

/// <summary>Input generators.</summary>
public static class Inputs
{
    /// <summary>x ~ N(0, std^2 I_d): (count, d), float64 on cpu.</summary>
    public static Tensor Gaussian(int count, int d, long seed, double std = 1.5)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"Dataset size must be >= 1; got {count}.");
        if (d < 1) throw new ArgumentOutOfRangeException(nameof(d), d, $"Input dimension d must be >= 1; got {d}.");
        if (!double.IsFinite(std) || std <= 0) throw new ArgumentOutOfRangeException(nameof(std), std, $"Input std must be finite and > 0; got {std}.");
        Runtime.TorchRuntime.EnsureInitialized();
        var rng = new Generator((ulong)seed);
        return randn([count, d], dtype: ScalarType.Float64, generator: rng).Times_(std);
    }
}
