using static TorchSharp.torch;

namespace Verify.Model.Runtime;

/// <summary>
/// The operations of the training step, behind one door: the products (one matrix or a stack of T,
/// written into an existing buffer), the residuals with their losses, the activation, its gate and
/// the gather of the batches. Two implementations: <see cref="TorchStepOps"/>, libtorch's operators,
/// the reference that runs on every device and dtype; and <see cref="DirectStepOps"/>, the direct CPU
/// path (MKL's batched GEMM and the suite's small-matrix kernel, passes over host memory). A kernel
/// chooses once (<see cref="StepOps.For"/>) and calls only its choice; no caller writes a fallback.
/// </summary>
/// <remarks>
/// Tensors of rank 2 are one trial's matrices; those of rank 3 a stack of T trials (T, rows, cols).
/// The activation is sigma(u) = max(u, c u) with negative slope c (<see cref="Rectifier"/>); its gate
/// sigma'(u) is 1 where u &gt; 0 and c elsewhere, read from u or from sigma(u), which have the same sign.
/// Both implementations give the same bits on the step's shapes, except the losses (another order of
/// summation, equal to round-off) and the sign of a zero.
/// </remarks>
internal interface IStepOps
{
    /// <summary>How this implementation computes, for `verify info` and test messages.</summary>
    string Name { get; }

    /// <summary>c &lt;- a b, in place: c (m, n) or (T, m, n), a view with rows of stride 1.</summary>
    void Multiply(Tensor c, Tensor a, Tensor b);

    /// <summary>c &lt;- c + a b, in place.</summary>
    void MultiplyAdd(Tensor c, Tensor a, Tensor b);

    /// <summary>y - a w, a new tensor (rank 2 or 3).</summary>
    Tensor Residual(Tensor y, Tensor a, Tensor w);

    /// <summary>u &lt;- sigma(u), in place.</summary>
    void Activate_(Tensor u, double slope);

    /// <summary>u &lt;- sigma(u) in place and <paramref name="copy"/> &lt;- sigma(u) (a view of u's shape elsewhere).</summary>
    void ActivateInto_(Tensor u, Tensor copy, double slope);

    /// <summary>s &lt;- s * sigma'(x), in place, where <paramref name="x"/> is u or sigma(u).</summary>
    void Gate_(Tensor s, Tensor x, double slope);

    /// <summary>0.5 ||r_t||_F^2 of each trial's residual (one value for rank 2), as float64 whatever the dtype.</summary>
    double[] HalfSquaredNorms(Tensor r);

    /// <summary>The same norms as <see cref="HalfSquaredNorms"/>, left on r's device: a float64 tensor (T,) (one value for rank 2), owned by the caller, with no read to the host.</summary>
    Tensor HalfSquaredNormsOnDevice(Tensor r);

    /// <summary>
    /// The residuals of one mini-batch step: r &lt;- (y[rows] - r) * scale, where r (T, B, outputs) holds
    /// the products h~ W and <paramref name="rows"/> (steps, T B) each trial's target rows by step;
    /// returns each trial's 0.5 ||y - r||^2 before the scaling.
    /// </summary>
    /// <param name="r">(T, B, outputs): the products on entry, the scaled residuals on return.</param>
    /// <param name="y">(N, outputs): the targets of every distinct dataset.</param>
    /// <param name="rows">(steps, T B) int64: row of <paramref name="y"/> for each trial and batch row, by step.</param>
    /// <param name="step">The row of <paramref name="rows"/> to read.</param>
    /// <param name="scales">lr_t / B of each trial, as numbers.</param>
    /// <param name="scale">The same as a tensor of r's dtype and device, (T, 1, 1).</param>
    double[] Residuals_(Tensor r, Tensor y, Tensor rows, long step, double[] scales, Tensor scale);

    /// <summary>As <see cref="Residuals_"/>, with the losses left on r's device (<see cref="HalfSquaredNormsOnDevice"/>) instead of read to the host.</summary>
    Tensor ResidualsOnDevice_(Tensor r, Tensor y, Tensor rows, long step, Tensor scale);

    /// <summary>
    /// source[rows] for a (N, width) matrix and an int64 index: into <paramref name="buffer"/> (grown and
    /// kept by the caller, who disposes it) where this implementation writes in place, else a new tensor.
    /// </summary>
    Tensor GatherRows(Tensor source, Tensor rows, ref Tensor? buffer);
}
