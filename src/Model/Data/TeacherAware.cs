using TorchSharp;
using Verify.Model.Networks;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Data;

public static class TeacherAware
{
    /// <summary>
    /// <paramref name="count"/> points (rounded up to whole triplets), triplets assigned to the
    /// teacher's lowest-layer nodes in turn.
    /// </summary>
    public static TeacherAwareInputs Inputs(RectifiedNetwork teacher, int count, long seed, TeacherAwareOptions? options = null)
    {
        options ??= new TeacherAwareOptions();
        options.Validate();
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"Dataset size must be >= 1; got {count}.");
        using var scope = NewDisposeScope();
        var rng = new Generator((ulong)seed);
        int d = teacher.InputDim, m = teacher.HiddenWidths[0], triplets = (count + 2) / 3;
        var w = teacher.Weights[0].detach().to(ScalarType.Float64, CPU); // (d+1, m)
        var nodes = Enumerable.Range(0, triplets).Select(t => t % m).ToArray();
        using var nodeIdx = tensor(nodes.Select(n => (long)n).ToArray());
        var wt = w.t().index_select(0, nodeIdx);                   // (T, d+1): augmented teacher vector per triplet
        var z = randn([triplets, d + 1], dtype: ScalarType.Float64, generator: rng).Times_(options.Scale);
        z[.., -1] = tensor(1.0, dtype: ScalarType.Float64);
        var along = (z * wt).sum(1, keepdim: true) / (wt * wt).sum(1, keepdim: true);
        var onPlane = z - along * wt;                              // w~^T z' = 0
        var x = onPlane.narrow(1, 0, d) / onPlane.narrow(1, d, 1); // w^T x + b = 0
        var alpha = rand([triplets, 1], dtype: ScalarType.Float64, generator: rng).Times_(options.Spread).Plus_(options.Mu);
        var dir = wt.narrow(1, 0, d);
        var points = stack([x, x.Plus(alpha * dir), x - alpha * dir], 1).reshape(3 * triplets, d);
        if (options.RescaleNorm is { } norm)
            points = (points / Runtime.TensorOps.RowNorms(points, keepdim: true).ClampAtLeast(1e-300)).Times(norm);

        var alphas = alpha.flatten().data<double>().ToArray();
        var roles = new[] { TeacherAwareRole.OnBoundary, TeacherAwareRole.Plus, TeacherAwareRole.Minus };
        var result = new TeacherAwareInputs(
            points.to(teacher.DType, teacher.Device).DetachFromDisposeScope(),
            nodes.SelectMany(n => new[] { n, n, n }).ToArray(),
            Enumerable.Range(0, 3 * triplets).Select(i => roles[i % 3]).ToArray(),
            alphas.SelectMany(a => new[] { 0.0, a, a }).ToArray());
        return result;
    }

    /// <summary>Teacher-aware inputs labelled by the teacher.</summary>
    public static Dataset Dataset(RectifiedNetwork teacher, int count, long seed, TeacherAwareOptions? options = null)
    {
        using var inputs = Inputs(teacher, count, seed, options);
        return Data.Dataset.Label(teacher, inputs.Inputs);
    }
}
