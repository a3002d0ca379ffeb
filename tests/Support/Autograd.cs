using TorchSharp;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.TestSupport;

/// <summary>Reference values from TorchSharp's autograd, for checking the hand-written formulas.</summary>
public static class Autograd
{
    /// <summary>
    /// g_l(x) = -d/da_l [ 1/2 ||f*(x) - f(x)||^2 ] for every sample and hidden layer, by autograd:
    /// the lowest pre-activation is made a leaf, the upper ones are differentiated through the graph, and the summed loss differentiated (samples are independent,
    /// so the gradient of the sum is the per-sample gradient).
    /// </summary>
    public static Tensor[] Signals(RectifiedNetwork student, Tensor x, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var leaves = new List<Tensor>();
        var h = x;
        for (var l = 0; l < student.HiddenLayers; l++)
        {
            var a = RectifiedNetwork.Augment(h).mm(student.Weights[l]);
            if (l == 0) a = a.detach().requires_grad_(); // the lowest pre-activation is the leaf; upper ones hang off it
            leaves.Add(a);
            h = student.Activation.Apply(a);
        }
        var output = RectifiedNetwork.Augment(h).mm(student.Weights[^1]);
        var loss = (targets - output).Squared().sum().Times(0.5);
        var grads = torch.autograd.grad([loss], leaves);
        return grads.Select(g => g.neg().detach().MoveToOuterDisposeScope()).ToArray();
    }
}
