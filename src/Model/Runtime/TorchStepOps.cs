using TorchSharp;
using static TorchSharp.torch;

namespace Verify.Model.Runtime;

/// <summary>
/// The step's operations by libtorch's operators: the reference, on every device and dtype. Products
/// are mm and bmm (addmm_ for one matrix), the activation relu_ and leaky_relu_, the gate a tensor
/// (1 - c) [x &gt; 0] + c multiplied in.
/// </summary>
/// <remarks>addmm_ and baddbmm take alpha and beta as float32 in TorchSharp, so only 0, 1 and -1 are passed there.</remarks>
internal sealed class TorchStepOps : IStepOps
{
    /// <summary>The threshold of the gate, held for the process's lifetime (a static root: never finalized while a call reads it).</summary>
    static readonly Scalar Zero = 0.0.ToScalar();

    public string Name => "libtorch's operators";

    public void Multiply(Tensor c, Tensor a, Tensor b)
    {
        if (a.dim() == 2) c.addmm_(a, b, beta: 0, alpha: 1);
        else
        {
            using var product = a.bmm(b);
            c.copy_(product);
        }
    }

    public void MultiplyAdd(Tensor c, Tensor a, Tensor b)
    {
        if (a.dim() == 2) c.addmm_(a, b, beta: 1, alpha: 1);
        else
        {
            using var product = a.bmm(b);
            c.Plus_(product);
        }
    }

    public Tensor Residual(Tensor y, Tensor a, Tensor w) =>
        a.dim() == 2 ? addmm(y, a, w, beta: 1, alpha: -1) : a.baddbmm(w, y, beta: 1, alpha: -1);

    public void Activate_(Tensor u, double slope)
    {
        if (slope == 1.0) return;
        if (slope == 0.0) u.relu_();
        else Scalars.With(slope, c => u.leaky_relu_(c));
    }

    public void ActivateInto_(Tensor u, Tensor copy, double slope)
    {
        Activate_(u, slope);
        copy.copy_(u);
    }

    /// <summary>The gate sigma'(x) in {c, 1} as a new tensor of x's dtype: (1 - c) [x &gt; 0] + c, for ReLU the indicator itself. The one definition of the gate as a tensor.</summary>
    public static Tensor Gate(Tensor x, double slope)
    {
        using var open = x.gt(Zero);
        var gate = open.to(x.dtype);
        return slope == 0.0 ? gate : gate.Times_(1.0 - slope).Plus_(slope);
    }

    public void Gate_(Tensor s, Tensor x, double slope)
    {
        if (slope == 1.0) return;
        using var gate = Gate(x, slope);
        s.mul_(gate);
    }

    public double[] HalfSquaredNorms(Tensor r)
    {
        // Read as float64 whatever the dtype (a float32 student's norms are float32 tensors).
        double[] values;
        if (r.dim() == 2)
        {
            using var norm = r.norm(2.0f);
            values = [norm.Value()];
        }
        else
        {
            using var flat = r.flatten(1);
            using var norms = flat.norm(1, false, 2.0f);
            using var onCpu = norms.to(ScalarType.Float64, CPU);
            values = onCpu.data<double>().ToArray();
        }
        for (var p = 0; p < values.Length; p++) values[p] = 0.5 * values[p] * values[p];
        return values;
    }

    public Tensor HalfSquaredNormsOnDevice(Tensor r)
    {
        using var flat = r.dim() == 2 ? r.reshape(1, -1) : r.flatten(1);
        using var norms = flat.norm(1, false, 2.0f);
        using var wide = norms.to(ScalarType.Float64);
        return wide.mul(wide).Times_(0.5);
    }

    /// <summary>Gathers the targets, then y - p as -p + y (the same in IEEE arithmetic, bit for bit), the norms and the scaling.</summary>
    public double[] Residuals_(Tensor r, Tensor y, Tensor rows, long step, double[] scales, Tensor scale)
    {
        SubtractFromTargets_(r, y, rows, step);
        var losses = HalfSquaredNorms(r);
        r.mul_(scale);
        return losses;
    }

    public Tensor ResidualsOnDevice_(Tensor r, Tensor y, Tensor rows, long step, Tensor scale)
    {
        SubtractFromTargets_(r, y, rows, step);
        var losses = HalfSquaredNormsOnDevice(r);
        r.mul_(scale);
        return losses;
    }

    /// <summary>r &lt;- y[rows[step]] - r, the targets gathered by the step's rows.</summary>
    static void SubtractFromTargets_(Tensor r, Tensor y, Tensor rows, long step)
    {
        using var index = rows.select(0, step);
        using var gathered = y.index_select(0, index);
        using var targets = gathered.view(r.shape);
        r.neg_().Plus_(targets);
    }

    public Tensor GatherRows(Tensor source, Tensor rows, ref Tensor? buffer) => source.index_select(0, rows);
}
