using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// The step's layout for trials that read the same inputs in the same batch order (the runs of one
/// sweep seed: equal inputs and batch seed, any widths): the first layers of all trials are one
/// (d + 1, S) matrix, S the sum of their first hidden widths, and their products with the shared batch
/// one wide product each way; the layers above are stacked per shape (a <see cref="Part"/>), and the
/// residuals of all trials are one (T, B, outputs) tensor. The stack is ordered by shape (first
/// appearance), so each shape is a run of positions. Its trials draw the same batches, so one index
/// tensor serves them all (<see cref="StepKernel.Load"/>).
/// </summary>
/// <remarks>
/// When trials retire, the wide matrix loses their columns, so the layout is built again from the
/// students of the trials that go on (their weights are written back first): the one state this kernel
/// rebuilds, once per retirement, never per step.
/// </remarks>
internal sealed class SharedInputKernel : StepKernel
{
    Tensor? wideW, wideA, wideG;      // (d + 1, S) first-layer weights; h_1 of every trial (B, S); its signal (B, S)
    Tensor? chunkX;                   // (steps, B) rows of flatX (the shared inputs) for the loaded steps
    Part[] parts = [];

    /// <summary>The trials of one shape: positions Start .. Start + Count - 1 of the stack.</summary>
    sealed class Part
    {
        public int Start, Count;
        public Tensor[] W = [];                                      // (T_g, r, c): W[0] a view into wideW, the others stacked copies
        public Tensor[] UpperT = [];                                 // W_l without its bias row, transposed, l >= 1
        public Tensor[] Hidden = [], HiddenView = [], HiddenT = [];  // H~_l = [h_l, 1]: (T_g, B, n_l + 1)
        public Tensor[] UpperW = [], UpperHidden = [], UpperHiddenView = [];  // the same from layer 2 on (the forward pass above the first layer)
        public Tensor A = null!, G = null!, R = null!;               // views: h_1 (T_g, B, n_1) in wideA, its signal in wideG, the residuals (T_g, B, outputs)

        public IEnumerable<Tensor> All() => W.Concat(UpperT.Skip(1)).Concat(HiddenT).Concat(HiddenView).Concat(Hidden).Append(A).Append(G).Append(R);
    }

    public SharedInputKernel(IReadOnlyList<Trial> trials)
        : base(trials, Enumerable.Range(0, trials.Count).GroupBy(i => string.Join("-", trials[i].Student.Widths)).SelectMany(g => g), sharedInputs: true)
    {
        if (batchSize is null) throw new ArgumentException("Shared inputs need mini-batch runs.", nameof(trials));
        Build();
    }

    protected override bool Stacked => true;

    protected override Tensor TargetRows(Tensor[] indices)
    {
        if (indices.Length != 1)
            throw new ArgumentException($"A shared-input kernel takes one index tensor for all its trials; {indices.Length} were given.", nameof(indices));
        // Each trial's rows of flatY: the shared indices shifted by the trial's dataset offset, by broadcasting.
        var idx = indices[0];
        using var shift = tensor(active.Select(i => offsets[i]).ToArray(), dtype: ScalarType.Int64, device: idx.device).view(1, -1, 1);
        chunkX?.Dispose();
        chunkX = idx.clone().DetachFromDisposeScope();
        return idx.unsqueeze(1).Plus(shift).reshape(idx.shape[0], -1);
    }

    protected override Tensor InputRows => chunkX!;

    /// <summary>
    /// h_1 of every trial by one wide product X~ W_1 (B, S), the layers above and the products h~ W of
    /// the top layer per part (stacked products), the residuals of all trials at once from those products
    /// and the targets, the signals down to the first layer per part, written into one (B, S) signal,
    /// gated once, and every first layer updated by one wide product X~^T g_1. The same arithmetic as a
    /// trial alone, in another grouping of the products.
    /// </summary>
    protected override double[] StepBatch(Tensor x, Tensor xT, int step)
    {
        ops.Multiply(wideA!, x, wideW!);
        foreach (var part in parts)
        {
            ops.ActivateInto_(part.A, part.HiddenView[0], slope); // the parts' blocks cover wideA
            var top = Forward(ops, slope, part.Hidden[0], part.UpperW, part.UpperHidden, part.UpperHiddenView);
            ops.Multiply(part.R, top, part.W[^1]);
        }
        var losses = Residuals_(step);
        foreach (var part in parts)
        {
            var g = part.R;
            for (var l = part.W.Length - 1; l >= 1; l--)
            {
                Tensor? below = null;
                if (l > 1) below = SignalBelow(ops, slope, g, part.UpperT[l], part.HiddenView[l - 1]);
                else ops.Multiply(part.G, g, part.UpperT[1]); // gated below, for every trial at once
                ops.MultiplyAdd(part.W[l], part.HiddenT[l - 1], g);
                if (!ReferenceEquals(g, part.R)) g.Dispose();
                g = below!;
            }
        }
        ops.Gate_(wideG!, wideA!, slope);
        ops.MultiplyAdd(wideW!, xT, wideG!);
        return losses;
    }

    protected override double[] StepFull() => throw new InvalidOperationException("A shared-input kernel runs mini-batches only.");

    protected override Tensor[] WeightsAt(int p)
    {
        var part = parts.First(pt => p < pt.Start + pt.Count);
        return part.W.Select(w => w.select(0, p - part.Start)).ToArray();
    }

    /// <summary>Writes back the trials that go on and builds the layout again from their students (the wide matrix loses the columns of the others).</summary>
    protected override void Keep(int[] positions)
    {
        WriteBack(positions.Select(p => active[p]).ToArray());
        var students = positions.Select(p => trials[active[p]].Student).ToArray();
        ReleaseParts();
        Build(students);
    }

    /// <summary>Builds the layout from the students of the active trials (in stack order), or of <paramref name="students"/>.</summary>
    void Build(Networks.RectifiedNetwork[]? students = null)
    {
        using var scope = NewDisposeScope();
        var b = batchSize!.Value;
        students ??= active.Select(i => trials[i].Student).ToArray();
        var d1 = students[0].InputDim + 1;
        wideW = cat(students.Select(s => s.Weights[0]).ToArray(), 1).MoveToOuterDisposeScope();
        var width = wideW.shape[1];
        wideA = empty([b, width], dtype: dtype, device: device).MoveToOuterDisposeScope();
        wideG = zeros([b, width], dtype: dtype, device: device).MoveToOuterDisposeScope();
        residuals = empty([students.Length, b, students[0].OutputDim], dtype: dtype, device: device).MoveToOuterDisposeScope();
        var built = new List<Part>();
        long column = 0;
        for (var start = 0; start < students.Length;)
        {
            var widths = students[start].Widths;
            var count = 1;
            while (start + count < students.Length && students[start + count].Widths.SequenceEqual(widths)) count++;
            var members = students.Skip(start).Take(count).ToArray();
            var n1 = widths[1];
            var layers = widths.Count - 1;
            var part = new Part { Start = start, Count = count };
            Tensor Block(Tensor t, long rows) => t.narrow(1, column, count * n1).view(rows, count, n1).permute(1, 0, 2).MoveToOuterDisposeScope();
            part.A = Block(wideA, b);
            part.G = Block(wideG, b);
            part.R = residuals.narrow(0, start, count).MoveToOuterDisposeScope();
            part.W = new Tensor[layers];
            part.W[0] = Block(wideW, d1);
            for (var l = 1; l < layers; l++) part.W[l] = stack(members.Select(s => s.Weights[l]).ToArray(), 0).MoveToOuterDisposeScope();
            part.UpperT = new Tensor[layers];
            for (var l = 1; l < layers; l++)
                part.UpperT[l] = part.W[l].narrow(-2, 0, part.W[l].shape[^2] - 1).transpose(-2, -1).MoveToOuterDisposeScope();
            part.Hidden = new Tensor[layers - 1];
            part.HiddenView = new Tensor[layers - 1];
            part.HiddenT = new Tensor[layers - 1];
            for (var l = 0; l < layers - 1; l++)
            {
                part.Hidden[l] = ones([count, b, widths[l + 1] + 1], dtype: dtype, device: device).MoveToOuterDisposeScope();
                part.HiddenView[l] = part.Hidden[l].narrow(-1, 0, widths[l + 1]).MoveToOuterDisposeScope();
                part.HiddenT[l] = part.Hidden[l].transpose(-2, -1).MoveToOuterDisposeScope();
            }
            part.UpperW = part.W.Skip(1).ToArray();
            part.UpperHidden = part.Hidden.Skip(1).ToArray();
            part.UpperHiddenView = part.HiddenView.Skip(1).ToArray();
            built.Add(part);
            column += count * n1;
            start += count;
        }
        parts = built.ToArray();
    }

    void ReleaseParts()
    {
        foreach (var part in parts)
            foreach (var t in part.All()) t.Dispose();
        parts = [];
        foreach (var t in new[] { wideW, wideA, wideG, residuals }) t?.Dispose();
        wideW = wideA = wideG = residuals = null;
    }

    protected override void ReleaseLayout()
    {
        ReleaseParts();
        chunkX?.Dispose();
        chunkX = null;
    }
}
