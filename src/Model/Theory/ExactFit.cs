using TorchSharp;
using Verify.Model.Networks;
using static TorchSharp.torch;
using Verify.Model.Runtime;

namespace Verify.Model.Theory;

/// <summary>
/// The specialized critical point of claim 7, built explicitly for a two-layer teacher: each
/// teacher node j is split into co-linear copies w_k = c_k w*_j (c_k &gt; 0) whose fan-outs
/// v_k = v*_j / (c_k * copies) add back to v*_j, plus extra nodes with v_k = 0. By positive
/// homogeneity of sigma the student computes the teacher exactly, so its loss and every per-sample
/// gradient vanish.
/// </summary>
public static class ExactFit
{
    /// <summary>
    /// A student with <paramref name="copies"/> copies of every teacher node, then
    /// <paramref name="extraNodes"/> nodes with random weights and zero fan-out. Scales c_k are drawn
    /// from U[0.5, 2) with <paramref name="seed"/>. Student node order: teacher 1's copies, teacher 2's, ..., extras.
    /// </summary>
    public static RectifiedNetwork Build(RectifiedNetwork teacher, int copies, int extraNodes, long seed)
    {
        if (teacher.HiddenLayers != 1)
            throw new ArgumentException($"The exact-fit construction is for two-layer teachers; this one has {teacher.HiddenLayers} hidden layers.", nameof(teacher));
        if (copies < 1) throw new ArgumentOutOfRangeException(nameof(copies), copies, $"Copies per teacher node must be >= 1; got {copies}.");
        if (extraNodes < 0) throw new ArgumentOutOfRangeException(nameof(extraNodes), extraNodes, $"Extra nodes must be >= 0; got {extraNodes}.");
        using var scope = NewDisposeScope();
        var rng = new Generator((ulong)seed);
        var m = teacher.HiddenWidths[0];
        var n = m * copies + extraNodes;
        var w1Star = teacher.Weights[0].detach().to(ScalarType.Float64, CPU);
        var w2Star = teacher.Weights[1].detach().to(ScalarType.Float64, CPU);
        var scales = rand([m * copies], dtype: ScalarType.Float64, generator: rng).Times_(1.5).Plus_(0.5);

        var owner = tensor(Enumerable.Range(0, m * copies).Select(k => (long)(k / copies)).ToArray());
        var w1Copies = w1Star.index_select(1, owner) * scales.unsqueeze(0);
        var w2Copies = w2Star.index_select(0, owner) / scales.Times(copies).unsqueeze(1);
        var w1Extra = randn([teacher.InputDim + 1, extraNodes], dtype: ScalarType.Float64, generator: rng);
        var w2Extra = zeros([extraNodes, teacher.OutputDim], dtype: ScalarType.Float64);
        var w1 = cat([w1Copies, w1Extra], 1);
        var w2 = cat([w2Copies, w2Extra, w2Star.narrow(0, m, 1)], 0);
        return new RectifiedNetwork([w1.to(teacher.DType, teacher.Device), w2.to(teacher.DType, teacher.Device)], teacher.Activation, "exact-fit student")
            is var student && student.Widths[1] == n ? student : throw new InvalidOperationException("Exact-fit student has the wrong width.");
    }
}
