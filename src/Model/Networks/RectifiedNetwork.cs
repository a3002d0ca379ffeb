using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Networks;

/// <summary>
/// A fully connected network of the paper's form: hidden layers h_l = sigma(h~_{l-1} W_l) and a
/// linear output f = h~_{L-1} W_L, where h~ = [h, 1] appends the constant 1 that carries the bias.
/// Each W_l has shape (width_{l-1} + 1, width_l): column k is node k's augmented weight vector
/// (bias last) and row k is node k's fan-out to the layer above (the last row is that layer's bias).
/// </summary>
public sealed class RectifiedNetwork : nn.Module<Tensor, Tensor>
{
    readonly Tensor[] weights;

    /// <summary>[d, n_1, ..., n_{L-1}, outputs].</summary>
    public IReadOnlyList<int> Widths { get; }

    public Activation Activation { get; }

    /// <summary>Augmented weights, lowest layer first; the last is the linear output layer.</summary>
    public IReadOnlyList<Tensor> Weights => weights;

    public int InputDim => Widths[0];
    public int OutputDim => Widths[^1];
    public int HiddenLayers => Widths.Count - 2;

    /// <summary>Hidden widths n_1 .. n_{L-1}, lowest first.</summary>
    public IReadOnlyList<int> HiddenWidths => Widths.Skip(1).Take(Widths.Count - 2).ToArray();

    public ScalarType DType => weights[0].dtype;
    public Device Device => weights[0].device;

    /// <summary>Wraps <paramref name="layerWeights"/> (copied, detached), checking their shapes chain.</summary>
    public RectifiedNetwork(IReadOnlyList<Tensor> layerWeights, Activation activation, string name = "network") : base(name)
    {
        Runtime.TorchRuntime.EnsureInitialized();
        if (layerWeights.Count < 2)
            throw new ArgumentException($"A network needs at least one hidden layer and an output layer; got {layerWeights.Count} weight matrices.", nameof(layerWeights));
        Activation = activation ?? throw new ArgumentNullException(nameof(activation));
        var widths = new List<int> { (int)layerWeights[0].shape[0] - 1 };
        weights = new Tensor[layerWeights.Count];
        for (var l = 0; l < layerWeights.Count; l++)
        {
            var w = layerWeights[l];
            if (w.dim() != 2 || w.shape[0] != widths[^1] + 1)
                throw new ArgumentException($"Layer {l + 1} weight has shape [{string.Join(", ", w.shape)}]; expected ({widths[^1] + 1}, width).", nameof(layerWeights));
            if (w.shape[1] < 1)
                throw new ArgumentException($"Layer {l + 1} has no nodes.", nameof(layerWeights));
            widths.Add((int)w.shape[1]);
            // The network owns its weights: they outlive any dispose scope they were built in. They
            // are buffers, not Parameters: training is hand-written, and TorchSharp's Parameter
            // wrapper leaves its live-tensor counter one too high per parameter, which would hide
            // real leaks from the suite's leak check.
            using (var detached = w.detach())
                weights[l] = detached.clone().DetachFromDisposeScope();
            register_buffer($"w{l + 1}", weights[l]);
        }
        Widths = widths;
    }

    /// <summary>x: (N, d) -> f(x): (N, outputs).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        for (var l = 0; l < weights.Length - 1; l++)
            h = Activation.Apply(Augment(h).mm(weights[l]));
        return Augment(h).mm(weights[^1]).MoveToOuterDisposeScope();
    }

    /// <summary>Pre-activations and activations of every hidden layer, and the output.</summary>
    public NetworkTrace Trace(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pre = new Tensor[HiddenLayers];
        var post = new Tensor[HiddenLayers];
        var h = x;
        for (var l = 0; l < HiddenLayers; l++)
        {
            pre[l] = Augment(h).mm(weights[l]);
            h = post[l] = Activation.Apply(pre[l]);
        }
        var output = Augment(h).mm(weights[^1]);
        foreach (var t in pre.Concat(post).Append(output)) t.MoveToOuterDisposeScope();
        return new NetworkTrace(x, pre, post, output);
    }

    /// <summary>h: (N, k) -> [h, 1]: (N, k + 1).</summary>
    public static Tensor Augment(Tensor h) =>
        cat([h, ones(h.shape[0], 1, dtype: h.dtype, device: h.device)], 1);

    /// <summary>Copies of the weights as plain arrays, lowest layer first ([row, column]).</summary>
    public double[][,] WeightArrays() => weights.Select(ToArray).ToArray();

    /// <summary>A deep copy with the same activation, optionally on another device or dtype.</summary>
    public RectifiedNetwork Clone(ScalarType? dtype = null, Device? device = null)
    {
        using var scope = NewDisposeScope();
        return new RectifiedNetwork(weights.Select(w => w.to(dtype ?? w.dtype, device ?? w.device)).ToArray(), Activation);
    }

    internal static double[,] ToArray(Tensor t)
    {
        using var cpu = t.detach().to(ScalarType.Float64, CPU).contiguous();
        var flat = cpu.data<double>().ToArray();
        var (rows, cols) = ((int)t.shape[0], (int)t.shape[1]);
        var result = new double[rows, cols];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }

    public override string ToString() => $"[{string.Join("-", Widths)}] {Activation}";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var w in weights) w.Dispose();
        base.Dispose(disposing);
    }
}
