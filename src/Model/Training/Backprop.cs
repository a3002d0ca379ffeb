using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>The back-propagated signals g_l(x) = -dLoss_x/da_l of every layer, for every sample.</summary>
public static class Backprop
{
    /// <summary>
    /// x: (N, d), y: (N, outputs) -> [g_1 (N, n_1), ..., g_{L-1} (N, n_{L-1}), r (N, outputs)],
    /// where r = y - f(x) is the output residual (the output layer's signal). Computed by the
    /// training step's own forward and backward pass (<see cref="StepKernel.Signals"/>).
    /// </summary>
    public static Tensor[] Signals(RectifiedNetwork net, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var signals = StepKernel.Signals(net.Activation, net.Weights, RectifiedNetwork.Augment(x), y);
        foreach (var s in signals) s.MoveToOuterDisposeScope();
        return signals;
    }
}
