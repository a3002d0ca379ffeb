using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// The lean SGD step of one student on one dataset. Everything a step needs and that outlives it is
/// built once: the augmented inputs X~ = [X, 1] (N, d + 1), one buffer H~_l = [h_l, 1] (B, n_l + 1)
/// per hidden layer with its constant column already set, and transposed views of the weights and
/// buffers. A step is then about a dozen tensor operations (two-layer ReLU): the forward pass writes
/// each layer into its buffer (addmm_ with beta 0, activation in place), the residual comes from one
/// addmm, and each update is one in-place addmm_ that includes the bias row. The few tensors a step
/// creates are disposed before it returns, so the live-tensor count does not grow.
/// </summary>
/// <remarks>
/// addmm_ takes its alpha and beta as float32 in TorchSharp, so only the exact values 0, 1 and -1
/// are passed there; the step size lr / B multiplies the residual once, in float64.
/// </remarks>
internal sealed class SgdStepper : IDisposable
{
    readonly Activation activation;
    readonly Tensor[] weights;        // the student's parameters, updated in place (not owned)
    readonly Tensor[] upperT;         // W_l without its bias row, transposed: (n_l, n_{l-1}), l >= 1
    readonly Tensor[] hidden;         // H~_l (B, n_l + 1), last column 1
    readonly Tensor[] hiddenView;     // h_l: the first n_l columns of H~_l
    readonly Tensor[] hiddenT;        // H~_l^T (n_l + 1, B)
    readonly Tensor inputs;           // X~ (N, d + 1)
    readonly Tensor? inputsT;         // X~^T, full-batch runs only
    readonly Tensor targets;          // Y (N, outputs), the dataset's (not owned)
    readonly Scalar zero;
    readonly Scalar? slope;
    readonly double batch;
    Scalar rate;
    Tensor? chunkX, chunkXT, chunkY;
    int chunkStep;

    /// <summary>Binds to <paramref name="student"/>'s weights and <paramref name="data"/>; <paramref name="batchSize"/> null means full batch.</summary>
    public SgdStepper(RectifiedNetwork student, Dataset data, int? batchSize)
    {
        activation = student.Activation;
        weights = student.Weights.Select(w => (Tensor)w).ToArray();
        var rows = batchSize ?? data.Count;
        batch = rows;
        var dtype = student.DType;
        var device = student.Device;
        using (var scope = NewDisposeScope())
        {
            inputs = RectifiedNetwork.Augment(data.Inputs.to(dtype, device)).MoveToOuterDisposeScope();
            targets = data.Targets;
            inputsT = batchSize is null ? inputs.t().MoveToOuterDisposeScope() : null;
            var hiddenLayers = weights.Length - 1;
            hidden = new Tensor[hiddenLayers];
            hiddenView = new Tensor[hiddenLayers];
            hiddenT = new Tensor[hiddenLayers];
            for (var l = 0; l < hiddenLayers; l++)
            {
                var width = weights[l].shape[1];
                hidden[l] = ones([rows, width + 1], dtype: dtype, device: device).MoveToOuterDisposeScope();
                hiddenView[l] = hidden[l].narrow(1, 0, width).MoveToOuterDisposeScope();
                hiddenT[l] = hidden[l].t().MoveToOuterDisposeScope();
            }
            upperT = new Tensor[weights.Length];
            for (var l = 1; l < weights.Length; l++)
                upperT[l] = weights[l].narrow(0, 0, weights[l].shape[0] - 1).t().MoveToOuterDisposeScope();
        }
        zero = 0.0.ToScalar();
        slope = activation.NegativeSlope is > 0 and < 1 ? activation.NegativeSlope.ToScalar() : null;
        rate = 0.0.ToScalar();
    }

    /// <summary>Sets the learning rate of the following steps.</summary>
    public void SetRate(double lr)
    {
        rate.Dispose();
        rate = (lr / batch).ToScalar();
    }

    /// <summary>Gathers the batches of the next steps: <paramref name="indices"/> (steps, B) rows of the dataset.</summary>
    public void Load(Tensor indices)
    {
        ReleaseChunk();
        var (steps, rows) = (indices.shape[0], indices.shape[1]);
        using var flat = indices.reshape(-1);
        using var x = inputs.index_select(0, flat);
        using var y = targets.index_select(0, flat);
        chunkX = x.view(steps, rows, inputs.shape[1]);
        chunkXT = chunkX.transpose(1, 2);
        chunkY = y.view(steps, rows, targets.shape[1]);
        chunkStep = 0;
    }

    /// <summary>
    /// One SGD step on the next loaded batch (or the whole dataset); returns the batch loss before the
    /// step. <paramref name="withLoss"/> false skips the loss (and so the divergence check; NaN is
    /// returned): only the benchmark uses it, to measure what the check costs.
    /// </summary>
    public double Step(bool withLoss = true)
    {
        if (chunkX is null && inputsT is null)
            throw new InvalidOperationException("No batches loaded: call Load before Step in a mini-batch run.");
        var x = chunkX?.select(0, chunkStep) ?? inputs;
        var xT = chunkXT?.select(0, chunkStep) ?? inputsT!;
        var y = chunkY?.select(0, chunkStep) ?? targets;
        chunkStep++;
        try
        {
            var a = x;
            for (var l = 0; l < hidden.Length; l++)
            {
                hiddenView[l].addmm_(a, weights[l], beta: 0, alpha: 1);
                Activate(hiddenView[l]);
                a = hidden[l];
            }
            var g = addmm(y, a, weights[^1], beta: 1, alpha: -1);
            var loss = double.NaN;
            if (withLoss)
                using (var norm = g.norm(2.0f)) loss = 0.5 * Square(norm.item<double>()) / batch;
            g.mul_(rate);
            for (var l = weights.Length - 1; l >= 0; l--)
            {
                Tensor? below = null;
                if (l > 0)
                {
                    below = g.mm(upperT[l]);
                    below = Gate(below, hiddenView[l - 1]);
                }
                weights[l].addmm_(l == 0 ? xT : hiddenT[l - 1], g, beta: 1, alpha: 1);
                g.Dispose();
                g = below!;
            }
            return loss;
        }
        finally
        {
            if (chunkX is not null)
            {
                x.Dispose();
                xT.Dispose();
                y.Dispose();
            }
        }
    }

    static double Square(double v) => v * v;

    void Activate(Tensor h)
    {
        if (activation.NegativeSlope == 0.0) h.relu_();
        else if (slope is not null) h.leaky_relu_(slope);
    }

    /// <summary>sigma'(a) * s, reading the gate from h = sigma(a): h &gt; 0 exactly where a &gt; 0 for every slope in [0, 1).</summary>
    Tensor Gate(Tensor s, Tensor h)
    {
        if (activation.NegativeSlope == 0.0)
        {
            using var open = h.gt(zero);
            return s.mul_(open);
        }
        if (slope is null) return s;
        using var isOpen = h.gt(zero);
        using var damped = s.mul(slope);
        var gated = where(isOpen, s, damped);
        s.Dispose();
        return gated;
    }

    void ReleaseChunk()
    {
        chunkX?.Dispose();
        chunkXT?.Dispose();
        chunkY?.Dispose();
        chunkX = chunkXT = chunkY = null;
    }

    public void Dispose()
    {
        ReleaseChunk();
        foreach (var t in hiddenT.Concat(hiddenView).Concat(hidden)) t.Dispose();
        foreach (var t in upperT.Skip(1)) t.Dispose();
        inputsT?.Dispose();
        inputs.Dispose();
        zero.Dispose();
        slope?.Dispose();
        rate.Dispose();
    }
}
