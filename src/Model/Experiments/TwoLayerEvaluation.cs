using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// The per-epoch evaluation of two-layer students on one eval set: for each student, the eval loss
/// on the paper's axis (mean squared error over samples and outputs, <see cref="Losses.MeanSquaredError(Tensor, Tensor)"/>)
/// and max_k rho_jk per teacher (<see cref="Correlation.Pearson"/> of the teacher's and the student's
/// hidden layers). The one evaluation of the sweeps: a run alone is a group of one.
/// </summary>
/// <remarks>
/// Students that share the eval inputs and the teacher's hidden layer on them (the runs of one seed)
/// are evaluated all at once, over blocks of <see cref="BlockRows"/> eval rows, so that a block's
/// hidden layer stays in cache while it is used: the hidden layers of every student by one wide
/// product (rows, d + 1) x (d + 1, sum n) and the activation in place; the cross products of every
/// student node with every standardized teacher node and the column sums by one product with the
/// teacher's rows (built once: the teacher side is centred, so the student's mean drops out of the
/// cross product and no centred copy is made), the sums of squares by another; then each student's
/// residual Y - h W - b by one product into a copy of its targets, and its squared norm as one dot
/// product. The correlations are the cross products over N sigma_k, sigma_k^2 = E h_k^2 - (E h_k)^2,
/// with Pearson's rule for constant nodes. The definitions give the same numbers to round-off
/// (TwoLayerEvaluationTest). Borrows the eval inputs and the teacher's activations; owns what it
/// derives from them.
/// </remarks>
internal sealed class TwoLayerEvaluation : IDisposable
{
    readonly Tensor x;
    readonly Tensor teacherRows;
    readonly Tensor liveTeacher;

    /// <param name="evalInputs">The eval inputs: (N_eval, d).</param>
    /// <param name="teacherActivations">The teacher's hidden activations on them: (N_eval, m).</param>
    public TwoLayerEvaluation(Tensor evalInputs, Tensor teacherActivations)
    {
        if (evalInputs.shape[0] != teacherActivations.shape[0])
            throw new ArgumentException($"The eval set has {evalInputs.shape[0]} rows; the teacher's activations have {teacherActivations.shape[0]}.", nameof(teacherActivations));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        x = RectifiedNetwork.Augment(evalInputs).DetachFromDisposeScope();
        // The teacher's activations standardized as Correlation.Pearson does (centred, divided by the
        // population standard deviation, at least ConstantNodeStd), as rows, with a last row of ones:
        // (m + 1, N_eval); and which teacher nodes are live (1) or constant (0). Float64.
        var t = teacherActivations.to(ScalarType.Float64);
        var centred = t - t.mean([0L], keepdim: true);
        var std = centred.Squared().mean([0L], keepdim: true).sqrt();
        liveTeacher = std.squeeze(0).Above(Correlation.ConstantNodeStd).to(ScalarType.Float64).DetachFromDisposeScope();
        teacherRows = cat([(centred / std.ClampAtLeast(Correlation.ConstantNodeStd)).t(), ones(1, t.shape[0], dtype: ScalarType.Float64, device: t.device)], 0)
            .contiguous().DetachFromDisposeScope();
    }

    /// <summary>
    /// Each student's eval loss and max_k rho_jk per teacher, in input order. Every student is a
    /// two-layer network on this eval set's inputs, and all share one activation; its targets are
    /// (N_eval, outputs).
    /// </summary>
    public (double Loss, double[] BestPerTeacher)[] Evaluate(IReadOnlyList<(RectifiedNetwork Student, Tensor Targets)> students)
    {
        ArgumentNullException.ThrowIfNull(students);
        if (students.Count == 0) throw new ArgumentException("Evaluation needs at least one student.", nameof(students));
        var activation = students[0].Student.Activation;
        foreach (var (student, targets) in students)
        {
            if (student.HiddenLayers != 1) throw new ArgumentException($"The evaluation reads two-layer students; got {student}.", nameof(students));
            if (student.Activation != activation) throw new ArgumentException($"Students evaluated together share one activation; got {activation} and {student.Activation}.", nameof(students));
            if (targets.shape[0] != x.shape[0] || student.InputDim + 1 != x.shape[1])
                throw new ArgumentException($"Student {student} with targets [{string.Join(", ", targets.shape)}] does not fit the eval set ({x.shape[0]}, {x.shape[1] - 1}).", nameof(students));
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var samples = x.shape[0];
        var m = teacherRows.shape[0] - 1;
        var count = students.Count;
        var firstLayers = cat(students.Select(s => s.Student.Weights[0]).ToArray(), 1);
        var widths = students.Select(s => s.Student.HiddenWidths[0]).ToArray();
        var starts = new int[count];
        for (var k = 1; k < count; k++) starts[k] = starts[k - 1] + widths[k - 1];
        var upper = students.Select((s, k) => s.Student.Weights[1].narrow(0, 0, widths[k])).ToArray();
        var bias = students.Select((s, k) => s.Student.Weights[1][widths[k]]).ToArray();
        // Rows 0 .. m - 1 of `products` are the cross products with the standardized teacher nodes,
        // row m (the row of ones) the column sums; `squares` the sums of squares.
        var products = zeros(m + 1, firstLayers.shape[1], dtype: ScalarType.Float64, device: x.device);
        var squares = zeros(1, firstLayers.shape[1], dtype: ScalarType.Float64, device: x.device);
        var residualSquares = students.Select(_ => new List<Tensor>()).ToArray();
        // Buffers reused by every block (written in place), so that a block's work stays in the same cache lines.
        var blockRows = Math.Min(BlockRows, samples);
        var hiddenBuffer = empty(blockRows, firstLayers.shape[1], dtype: firstLayers.dtype, device: x.device);
        var squareBuffer = empty(blockRows, firstLayers.shape[1], dtype: firstLayers.dtype, device: x.device);
        var residualBuffer = empty(blockRows, students[0].Targets.shape[1], dtype: firstLayers.dtype, device: x.device);
        for (long row = 0; row < samples; row += blockRows)
        {
            using var blockScope = NewDisposeScope();
            var rows = Math.Min(blockRows, samples - row);
            var hidden = hiddenBuffer.narrow(0, 0, rows);
            var square = squareBuffer.narrow(0, 0, rows);
            var residual = residualBuffer.narrow(0, 0, rows);
            hidden.addmm_(x.narrow(0, row, rows), firstLayers, beta: 0, alpha: 1);
            activation.Apply_(hidden);
            var block = teacherRows.narrow(1, row, rows);
            products.addmm_(block, hidden, beta: 1, alpha: 1);
            square.copy_(hidden).mul_(hidden);
            squares.addmm_(block.narrow(0, m, 1), square, beta: 1, alpha: 1);
            for (var k = 0; k < count; k++)
            {
                residual.copy_(students[k].Targets.narrow(0, row, rows));
                residual.addmm_(hidden.narrow(1, starts[k], widths[k]), upper[k], beta: 1, alpha: -1).sub_(bias[k]);
                var flat = residual.view(-1);
                residualSquares[k].Add(flat.dot(flat).MoveToOuterDisposeScope());
            }
        }
        var mean = products[m].Over(samples);
        var std = (squares.squeeze(0).Over(samples) - mean * mean).ClampAtLeast(0).sqrt_();
        var liveStudent = std.Above(Correlation.ConstantNodeStd).to(ScalarType.Float64);
        var rhoTensor = products.narrow(0, 0, m).Over(samples).div_(std.ClampAtLeast(Correlation.ConstantNodeStd).unsqueeze(0));
        var rho = RectifiedNetwork.ToArray((rhoTensor * liveTeacher.unsqueeze(1) * liveStudent.unsqueeze(0)).ClampTo(-1, 1));
        var losses = stack(residualSquares.Select(r => stack(r).sum()).ToArray()).to(CPU).data<double>().ToArray();
        return Enumerable.Range(0, count).Select(k => (losses[k] / students[k].Targets.numel(), BestPerTeacher(rho, starts[k], widths[k]))).ToArray();
    }

    /// <summary>max over columns first .. first + count - 1 of rho, per row (teacher).</summary>
    static double[] BestPerTeacher(double[,] rho, int first, int count)
    {
        var best = new double[rho.GetLength(0)];
        for (var j = 0; j < best.Length; j++)
        {
            best[j] = double.NegativeInfinity;
            for (var k = first; k < first + count; k++) best[j] = Math.Max(best[j], rho[j, k]);
        }
        return best;
    }

    /// <summary>
    /// Each run's evaluation group: runs whose eval inputs and teacher hidden activations on them
    /// are equal (the runs of one seed, every multi and p) and whose students share an activation
    /// share a group, checked by value. Groups are numbered from 0 in order of first appearance.
    /// </summary>
    public static int[] Groups(IReadOnlyList<(Dataset Eval, Tensor TeacherActivations, Activation Activation)> runs)
    {
        using var scope = NewDisposeScope();
        var group = new int[runs.Count];
        var leaders = new List<int>();
        for (var i = 0; i < runs.Count; i++)
        {
            var found = leaders.FindIndex(l => runs[l].Activation == runs[i].Activation
                && Equal(runs[l].Eval.Inputs, runs[i].Eval.Inputs) && Equal(runs[l].TeacherActivations, runs[i].TeacherActivations));
            if (found < 0)
            {
                found = leaders.Count;
                leaders.Add(i);
            }
            group[i] = found;
        }
        return group;

        static bool Equal(Tensor a, Tensor b) => ReferenceEquals(a, b) || (a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>());
    }

    /// <summary>Rows of the eval set per block: a block's hidden layer (rows x sum n, float64) stays in a core's cache.</summary>
    /// <remarks>The default is the fastest measured at the paper's sweep (docs/dev/performance.md); tests set others.</remarks>
    internal static int BlockRows
    {
        get => blockRows;
        set => blockRows = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"Block rows must be >= 1; got {value}.");
    }

    static int blockRows = 1000;

    public void Dispose()
    {
        x.Dispose();
        teacherRows.Dispose();
        liveTeacher.Dispose();
    }
}
