using TorchSharp;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// The Jacobian of a network's outputs with respect to all its weights, one row per sample and
/// output, in closed form from the network's own forward trace. For hidden or output layer l with
/// augmented input a~_{l-1}(x) and pre-activation u_l(x),
/// d f_o(x) / d W_l = outer(a~_{l-1}(x), delta_{l,o}(x)), where delta_{l,o} = d f_o / d u_l is
/// e_o at the output layer and delta_{l,o} = sigma'(u_l) * (delta_{l+1,o} W_{l+1}^T) below it (bias
/// row of W_{l+1} dropped), the gate sigma' being the activation's own <see cref="Activation.Gate"/>.
/// </summary>
/// <remarks>
/// The weights are read as one parameter vector theta: every W_l flattened row by row (row k of
/// W_l is the fan-out of node k of the layer below, the last row the bias), lowest layer first, as
/// <see cref="Parameters"/> writes it. The residual r = f* - f has Jacobian -J.
/// </remarks>
public static class OutputJacobian
{
    /// <summary>Number of weights (biases included) of <paramref name="net"/>: the columns of its Jacobian.</summary>
    public static long ParameterCount(RectifiedNetwork net) => net.Weights.Sum(w => w.shape[0] * w.shape[1]);

    /// <summary>
    /// x: (N, d) -> J: (N * outputs, P), row n * outputs + o holding d f_o(x_n) / d theta (see the
    /// remarks for theta's order). Batched over samples: one forward trace, one backward sweep of
    /// (N, outputs, width) signals, one outer product per layer.
    /// </summary>
    public static Tensor Of(RectifiedNetwork net, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = net.Trace(x);
        var samples = x.shape[0];
        var outputs = (long)net.OutputDim;
        var layers = net.Weights.Count;
        var blocks = new Tensor[layers];
        // delta_{L,o} = e_o: (N, outputs, outputs).
        var delta = eye(outputs, dtype: net.DType, device: net.Device).unsqueeze(0).expand(samples, outputs, outputs);
        for (var l = layers - 1; l >= 0; l--)
        {
            var below = RectifiedNetwork.Augment(l == 0 ? x : trace.Activations[l - 1]);
            // (N, 1, k + 1, 1) * (N, outputs, 1, width) -> (N, outputs, k + 1, width): W_l's layout.
            var outer = below.unsqueeze(1).unsqueeze(3).mul(delta.unsqueeze(2));
            blocks[l] = outer.reshape(samples * outputs, -1);
            if (l == 0) break;
            var w = net.Weights[l];
            using var fanOut = w.narrow(0, 0, w.shape[0] - 1).t();
            using var gate = net.Activation.Gate(trace.PreActivations[l - 1]);
            delta = delta.matmul(fanOut).mul_(gate.unsqueeze(1));
        }
        return cat(blocks, 1).MoveToOuterDisposeScope();
    }

    /// <summary>theta: (P), the weights flattened in the Jacobian's column order (a new tensor).</summary>
    public static Tensor Parameters(RectifiedNetwork net)
    {
        using var scope = NewDisposeScope();
        return cat(net.Weights.Select(w => w.reshape(-1)).ToArray(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>Writes theta: (P) into the network's weights, in place, in the Jacobian's column order.</summary>
    public static void SetParameters(RectifiedNetwork net, Tensor theta)
    {
        if (theta.dim() != 1 || theta.shape[0] != ParameterCount(net))
            throw new ArgumentException($"A parameter vector of {ParameterCount(net)} entries was expected; got shape [{string.Join(", ", theta.shape)}].", nameof(theta));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long offset = 0;
        foreach (var w in net.Weights)
        {
            var count = w.shape[0] * w.shape[1];
            w.copy_(theta.narrow(0, offset, count).view(w.shape));
            offset += count;
        }
    }
}
