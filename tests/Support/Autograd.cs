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

    /// <summary>
    /// J = d f / d theta for every sample and output, by autograd: x (N, d) -> (N * outputs, P), row
    /// n * outputs + o holding d f_o(x_n) / d theta, theta every W_l flattened row by row, lowest first.
    /// Each sample gets its own copy of the weights (leaves of shape (N, rows, columns)), so the
    /// gradient of sum_n f_o(x_n) with respect to sample n's copy is sample n's own; one backward pass per output.
    /// </summary>
    public static Tensor OutputJacobian(RectifiedNetwork net, Tensor x)
    {
        using var scope = NewDisposeScope();
        var samples = x.shape[0];
        var leaves = net.Weights.Select(w => w.detach().unsqueeze(0).expand(samples, w.shape[0], w.shape[1]).clone().requires_grad_()).ToArray();
        var h = x;
        for (var l = 0; l < leaves.Length; l++)
        {
            var u = RectifiedNetwork.Augment(h).unsqueeze(1).bmm(leaves[l]).squeeze(1);
            h = l < leaves.Length - 1 ? net.Activation.Apply(u) : u;
        }
        var perOutput = new Tensor[net.OutputDim];
        for (var o = 0; o < net.OutputDim; o++)
        {
            var grads = torch.autograd.grad([h.select(1, o).sum()], leaves, retain_graph: true);
            perOutput[o] = cat(grads.Select(g => g.reshape(samples, -1)).ToArray(), 1);
        }
        return stack(perOutput, 1).reshape(samples * net.OutputDim, -1).detach().MoveToOuterDisposeScope();
    }
}
