using TorchSharp;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Analysis;

/// <summary>Per-sample norms ||g_1(x)|| over a dataset, and their maximum.</summary>
public sealed record SignalNorms(double[] PerSample, double Max)
{
    public int ArgMax => Array.IndexOf(PerSample, Max);
}

/// <summary>
/// The per-sample back-propagated signal at the student's lowest layer, written the paper's way:
/// g_l(x) = D_l(x) [A_l(x) f~*_l(x) - B_l(x) f~_l(x)], with the teacher's and the student's augmented
/// activations f~*_l, f~_l. For two layers A_1 = V V*^T and B_1 = V V^T are constant (alpha_kj =
/// v_k^T v*_j, beta_kk' = v_k^T v_k'); deeper nets use the recursion
/// A_{l-1}(x) = W_l^- D_l(x) A_l(x) M*_l(x), B_{l-1}(x) = W_l^- D_l(x) B_l(x) M_l(x), where W_l^-
/// drops the bias row of W_l and M_l(x) maps f~_{l-1} to f~_l ([D_l W_l^T; e^T], exact for
/// piecewise-linear sigma). Training uses ordinary back-propagation; the tests check that these
/// formulas, back-propagation and autograd agree.
/// </summary>
public static class LowestLayerSignal
{
    /// <summary>||g_1(x)|| for every row of <paramref name="inputs"/>, and the maximum.</summary>
    public static SignalNorms Norms(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var g = Compute(teacher, student, inputs);
        var norms = Runtime.TensorOps.RowNorms(g).to(ScalarType.Float64, CPU).data<double>().ToArray();
        return new SignalNorms(norms, norms.Max());
    }

    /// <summary>g_1: (N, n_1). Closed form for two layers, the recursion for deeper nets.</summary>
    internal static Tensor Compute(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        CheckPair(teacher, student);
        return student.HiddenLayers == 1 ? ClosedForm(teacher, student, inputs) : Recursive(teacher, student, inputs)[0];
    }

    /// <summary>Two layers: g_1(x) = D_1(x) [A_1 f~*(x) - B_1 f~(x)], A_1 = V V*^T, B_1 = V V^T.</summary>
    internal static Tensor ClosedForm(RectifiedNetwork teacher, RectifiedNetwork student, Tensor x)
    {
        if (student.HiddenLayers != 1 || teacher.HiddenLayers != 1)
            throw new ArgumentException("The closed form is for two-layer networks; use the recursion for deeper ones.");
        using var scope = NewDisposeScope();
        using var t = teacher.Trace(x);
        using var s = student.Trace(x);
        var v = FanOut(student.Weights[1]);          // (n, c)
        var alpha = v.mm(teacher.Weights[1].t());      // (n, m + 1)
        var beta = v.mm(student.Weights[1].t());       // (n, n + 1)
        var inner = RectifiedNetwork.Augment(t.Activations[0]).mm(alpha.t()) - RectifiedNetwork.Augment(s.Activations[0]).mm(beta.t());
        return student.Activation.Gate(s.PreActivations[0]).mul_(inner).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Any depth: [g_1 (N, n_1), ..., g_{L-1} (N, n_{L-1})] from the per-sample A_l(x), B_l(x)
    /// recursion. Memory grows as N * n_l * m_l per layer: meant for analysis sets, not training sets.
    /// </summary>
    internal static Tensor[] Recursive(RectifiedNetwork teacher, RectifiedNetwork student, Tensor x) => Recursion(teacher, student, x).Signals;

    /// <summary>
    /// The multi-layer fan-out strength of every student node: E_x[beta_kk(x)], the diagonal of B_l(x) of the recursion
    /// averaged over <paramref name="inputs"/> (N, d), per hidden layer, lowest first ([n_1], ..., [n_{L-1}]). At the top
    /// hidden layer B is constant and beta_kk = ||v_k||^2, the two-layer fan-out strength; below, B_{l-1}(x) =
    /// W_l^- D_l(x) B_l(x) D_l(x) W_l^-T carries what the layers above make of node k's output.
    /// </summary>
    public static double[][] FanOutStrength(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Recursion(teacher, student, inputs).BetaDiagonal
            .Select(d => d.mean([0L]).to(ScalarType.Float64, CPU).data<double>().ToArray()).ToArray();
    }

    /// <summary>
    /// The recursion, once: the signals g_l (N, n_l) and the diagonals beta_kk(x) of B_l(x) (N, n_l) of every hidden
    /// layer, lowest first, in the caller's dispose scope.
    /// </summary>
    static (Tensor[] Signals, Tensor[] BetaDiagonal) Recursion(RectifiedNetwork teacher, RectifiedNetwork student, Tensor x)
    {
        CheckPair(teacher, student);
        using var scope = NewDisposeScope();
        using var t = teacher.Trace(x);
        using var s = student.Trace(x);
        var hidden = student.HiddenLayers;
        var n = x.shape[0];
        var g = new Tensor[hidden];
        var beta = new Tensor[hidden];

        // Top hidden layer: A = W_L^- W*_L^T, B = W_L^- W_L^T, the same for every sample.
        var wTop = FanOut(student.Weights[^1]);
        var a = wTop.mm(teacher.Weights[^1].t()).unsqueeze(0).expand(n, -1, -1); // (N, n_{L-1}, m_{L-1}+1)
        var b = wTop.mm(student.Weights[^1].t()).unsqueeze(0).expand(n, -1, -1); // (N, n_{L-1}, n_{L-1}+1)
        for (var l = hidden - 1; l >= 0; l--)
        {
            var fT = RectifiedNetwork.Augment(t.Activations[l]).unsqueeze(2);
            var fS = RectifiedNetwork.Augment(s.Activations[l]).unsqueeze(2);
            var gateS = student.Activation.Gate(s.PreActivations[l]);
            g[l] = gateS * (a.bmm(fT) - b.bmm(fS)).squeeze(2);
            beta[l] = b.narrow(2, 0, b.shape[1]).diagonal(0, 1, 2);
            if (l == 0) break;
            // Step down one layer: A <- W_l^- D_l A M*_l, with M*_l = [D*_l W*_l^T; e^T].
            var wDown = FanOut(student.Weights[l]);                                          // (n_{l-1}, n_l)
            var left = wDown.unsqueeze(0) * gateS.unsqueeze(1);                              // W^- D: (N, n_{l-1}, n_l)
            a = left.bmm(a).bmm(Lift(teacher, t, l));
            b = left.bmm(b).bmm(Lift(student, s, l));
        }
        foreach (var gl in g) gl.MoveToOuterDisposeScope();
        foreach (var bl in beta) bl.MoveToOuterDisposeScope();
        return (g, beta);
    }

    /// <summary>M_l(x) = [D_l(x) W_l^T; e^T]: (N, n_l + 1, n_{l-1} + 1), so f~_l = M_l f~_{l-1}.</summary>
    static Tensor Lift(RectifiedNetwork net, NetworkTrace trace, int layer)
    {
        var w = net.Weights[layer];                                                           // (n_{l-1}+1, n_l)
        var n = trace.Input.shape[0];
        var gated = net.Activation.Gate(trace.PreActivations[layer]).unsqueeze(2) * w.t().unsqueeze(0);
        var e = zeros([n, 1, w.shape[0]], dtype: w.dtype, device: w.device);
        e[.., .., -1] = tensor(1.0, dtype: w.dtype);
        return cat([gated, e], 1);
    }

    /// <summary>The fan-out rows of a weight matrix: every row but the bias row.</summary>
    internal static Tensor FanOut(Tensor w) => w.narrow(0, 0, w.shape[0] - 1);

    static void CheckPair(RectifiedNetwork teacher, RectifiedNetwork student)
    {
        if (teacher.HiddenLayers != student.HiddenLayers)
            throw new ArgumentException($"Teacher and student must have the same depth; teacher has {teacher.HiddenLayers} hidden layers, student {student.HiddenLayers}.");
        if (teacher.InputDim != student.InputDim || teacher.OutputDim != student.OutputDim)
            throw new ArgumentException($"Teacher {teacher} and student {student} differ in input or output dimension.");
    }
}
