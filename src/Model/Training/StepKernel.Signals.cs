using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>The step's forward and backward pass as functions of weights and data: the per-sample signals of a whole dataset, and the pieces both layouts of the kernel run.</summary>
internal abstract partial class StepKernel
{
    /// <summary>
    /// Loss and max_x ||g_1(x)|| from the signals of <see cref="Signals"/> (rank 2); with <paramref name="everyLayer"/>,
    /// max_x max_l ||g_l(x)|| over every layer's signal, the output residual included.
    /// </summary>
    internal static (double Loss, double MaxSampleGradient) Summarize(Tensor[] signals, bool everyLayer = false)
    {
        using var scope = NewDisposeScope();
        var residual = signals[^1];
        var loss = StepOps.For(residual.device).HalfSquaredNorms(residual)[0] / residual.shape[0];
        var maxGrad = (everyLayer ? signals : signals.Take(1)).Max(g => { using var top = TensorOps.RowNorms(g).max(); return top.Value(); });
        return (loss, maxGrad);
    }

    /// <summary>
    /// The back-propagated signals of every layer for every sample, by the step's own forward and
    /// backward pass: x~ (N, d + 1), y (N, outputs) -> [g_1 (N, n_1), ..., g_{L-1}, r (N, outputs)].
    /// </summary>
    internal static Tensor[] Signals(Activation activation, IReadOnlyList<Tensor> weights, Tensor xAugmented, Tensor y)
    {
        using var scope = NewDisposeScope();
        var ops = StepOps.For(xAugmented.device);
        var slope = activation.NegativeSlope;
        var rows = xAugmented.shape[0];
        var layers = weights.Count;
        var hidden = new Tensor[layers - 1];
        var view = new Tensor[layers - 1];
        for (var l = 0; l < layers - 1; l++)
        {
            var width = weights[l].shape[1];
            hidden[l] = ones([rows, width + 1], dtype: weights[l].dtype, device: weights[l].device);
            view[l] = hidden[l].narrow(1, 0, width);
        }
        var a = Forward(ops, slope, xAugmented, weights, hidden, view);
        var signals = new Tensor[layers];
        signals[^1] = ops.Residual(y, a, weights[^1]);
        for (var l = layers - 1; l > 0; l--)
        {
            var w = weights[l];
            using var upper = w.narrow(0, 0, w.shape[0] - 1).t();
            signals[l - 1] = SignalBelow(ops, slope, signals[l], upper, view[l - 1]);
        }
        foreach (var s in signals) s.MoveToOuterDisposeScope();
        return signals;
    }

    /// <summary>Writes h_l = sigma(h~_{l-1} W_l) into each hidden buffer; returns the top buffer h~_{L-1} (or x when there is none).</summary>
    protected static Tensor Forward(IStepOps ops, double slope, Tensor x, IReadOnlyList<Tensor> weights, Tensor[] hidden, Tensor[] hiddenView)
    {
        var a = x;
        for (var l = 0; l < hidden.Length; l++)
        {
            ops.Multiply(hiddenView[l], a, weights[l]);
            ops.Activate_(hiddenView[l], slope);
            a = hidden[l];
        }
        return a;
    }

    /// <summary>g_{l-1} = sigma'(a_{l-1}) * (g_l W_l^T), with the gate read from h_{l-1} = sigma(a_{l-1}); a new tensor.</summary>
    protected static Tensor SignalBelow(IStepOps ops, double slope, Tensor g, Tensor upperT, Tensor hBelow)
    {
        var below = empty_like(hBelow);
        ops.Multiply(below, g, upperT);
        ops.Gate_(below, hBelow, slope);
        return below;
    }
}
