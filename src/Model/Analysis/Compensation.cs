using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Analysis;

/// <summary>
/// The parts of a two-layer student that act linearly on the data, measured on the data: mirrored
/// nodes, nodes that are affine on the data, and groups of co-linear nodes.
/// <para>
/// The identity behind mirrors: for sigma(u) = max(u, c u) with 0 &lt;= c &lt;= 1,
/// sigma(u) - sigma(-u) = (1 + c) u for every u (u &gt; 0: u - (-c u); u &lt; 0: c u - (-u)). So a node
/// w_k = -s w*_j (s &gt; 0, the teacher's hyperplane facing the other way) computes
/// v_k sigma(w_k^T x~) = v_k sigma(-w_k^T x~) + (1 + c) v_k w_k^T x~: the node rewritten in the
/// teacher's orientation plus a linear term. A two-layer network has no linear path, so the linear
/// term must be cancelled by nodes that are affine on the data (one-signed pre-activation on every
/// input, or within the tolerance of it). <see cref="Residue"/> measures whether they do: the combined map
/// r(x) = sum over mirrors (1 + c) v_k w_k^T x~ + sum over affine-on-data nodes v_a sigma(w_a^T x~),
/// centred over the data (a constant moves into the output bias), as a fraction of the teacher's
/// output spread. With r ~ 0 the student with every mirror rewritten in the teacher's orientation
/// and the affine-on-data nodes dropped computes the same outputs on the data (the output bias
/// adjusted); otherwise it does not, and the mirror explains nothing.
/// </para>
/// </summary>
/// <param name="MirroredTeacher">Per student node k: the teacher j with the most negative cos(w*_j, w_k) when it is below -<see cref="Compensation.MirrorCosine"/>
/// and k is aligned with no teacher at least as closely (cos(w*_q, w_k) &gt; <see cref="Compensation.MirrorCosine"/> and &gt;= |cos(w*_j, w_k)|); -1 otherwise.</param>
/// <param name="MirrorCorrelation">Per student node k: the correlation of the rewritten node's activation sigma(-w_k^T x~) with teacher j's on the data; NaN when k mirrors no teacher.</param>
/// <param name="AffineOnData">Per student node: affine on the data within <see cref="Compensation.MaxResidue"/>: its output differs from its
/// own linear extension by at most that fraction of the teacher's output spread (a one-signed node by exactly 0); or it belongs to a
/// hyperplane group (nodes co-linear either way, |cos| &gt;= <see cref="Compensation.GroupCosine"/>, off every teacher's hyperplane
/// by the same cosine) whose kink weights cancel, so that together they are affine on the data by the same measure; such nodes mirror no teacher.</param>
/// <param name="Residue">RMS_x ||r(x) - mean r|| / RMS_x ||f*(x) - mean f*||: 0 when mirrors and affine-on-data nodes cancel to a constant.</param>
/// <param name="ColinearGroup">Per student node: the smallest index of its group of nodes co-linear at cos &gt;= <see cref="Compensation.GroupCosine"/> (transitively).</param>
/// <param name="GroupOutput">Per student node: RMS_x ||sum over its group v_q sigma(w_q^T x~)|| / max over the group of RMS_x sigma(w_q^T x~): the group's measured output per unit activation, comparable with a fan-out norm.</param>
public sealed record CompensationReport(int[] MirroredTeacher, double[] MirrorCorrelation, bool[] AffineOnData, double Residue, int[] ColinearGroup, double[] GroupOutput)
{
    /// <summary>Student nodes that mirror some teacher.</summary>
    public int Mirrors => MirroredTeacher.Count(j => j >= 0);
}

public static class Compensation
{
    /// <summary>
    /// The named tolerance of the compensation (1% of the teacher's output spread on the data): the largest
    /// <see cref="CompensationReport.Residue"/> of a verified mirror or an excused affine group, and the largest
    /// deviation of a node's output from its own linear extension for it to count as affine on the data (a node
    /// whose kink grazes a few inputs, pre-activation within -0.002 of 0 at one input of 200, is affine there
    /// to 1e-3). Claims (MirrorCheck) read it from here.
    /// </summary>
    public const double MaxResidue = Rules.MaxCompensationResidue;

    /// <summary>cos(w*_j, w_k) below minus this makes k a mirror of j: the specialization threshold (tau 0.95), read with the other sign.</summary>
    public const double MirrorCosine = Rules.MirrorCosine;

    /// <summary>
    /// Student nodes at cosine at least this are one node for claim 4 (18 degrees, the 0.95 of the
    /// first reading, grouped nodes that compute visibly different functions; 0.999 is 2.6 degrees).
    /// </summary>
    public const double GroupCosine = Rules.GroupCosine;

    /// <summary>Measures a two-layer pair on <paramref name="inputs"/> (N, d).</summary>
    public static CompensationReport Measure(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        var (x, t, s) = TwoLayerArrays.Of(teacher, student, inputs, "compensation of mirrors is");
        var c = student.Activation.NegativeSlope;
        int n = s[0].GetLength(1), m = t[0].GetLength(1), rows = x.GetLength(0), d = x.GetLength(1), outputs = s[1].GetLength(1);

        using var scope = NewDisposeScope();
        var x64 = inputs.to(ScalarType.Float64, CPU);
        using var studentTrace = TraceInFloat64(student, x64);
        using var teacherTrace = TraceInFloat64(teacher, x64);
        var (preSt, actT) = (studentTrace.PreActivations[0], studentTrace.Activations[0]);
        var (preS, preT) = (Networks.RectifiedNetwork.ToArray(preSt), Networks.RectifiedNetwork.ToArray(teacherTrace.PreActivations[0]));
        var cos = Specialization.CosineMatrix(teacher.Weights[0], student.Weights[0]);
        var mirrored = new int[n];
        var mirrorRho = new double[n];
        var aligned = new bool[n];
        for (var k = 0; k < n; k++)
        {
            // A node is read against the teacher hyperplane it lies closest to (largest |cos|), in whichever orientation:
            // when teachers q and j are themselves near mirrors of each other, a node can sit above 0.95 to q and below
            // -0.95 to j. At cos 1.000 to q and -0.953 to j it is q's node; at -1.000 to j and 0.961 to q it is j's mirror.
            var j = Enumerable.Range(0, m).MinBy(q => cos[q, k]);
            aligned[k] = Enumerable.Range(0, m).Any(q => cos[q, k] > MirrorCosine && cos[q, k] >= -cos[j, k]);
            mirrored[k] = !aligned[k] && cos[j, k] < -MirrorCosine ? j : -1;
            mirrorRho[k] = mirrored[k] < 0 ? double.NaN
                : Pearson(Array.ConvertAll(Column(preS, k), u => Sigma(-u, c)), Array.ConvertAll(Column(preT, j), u => Sigma(u, teacher.Activation.NegativeSlope)));
        }
        var spread = Math.Max(CentredRms(Networks.RectifiedNetwork.ToArray(teacherTrace.Output)), 1e-300);
        // Affine on the data within the tolerance: its output differs from its own linear extension (the side most
        // inputs are on) by at most MaxResidue of the teacher's spread (one-signed nodes differ by exactly 0).
        var fanOutSquares = Enumerable.Range(0, n).Select(k => Enumerable.Range(0, outputs).Sum(o => s[1][k, o] * s[1][k, o])).ToArray();
        var fanOuts = fanOutSquares.Select(Math.Sqrt).ToArray();
        var affine = Enumerable.Range(0, n).Select(k => KinkDeviation(Column(preS, k), c) * fanOuts[k] <= MaxResidue * spread).ToArray();

        // Hyperplane groups: nodes whose augmented vectors are co-linear either way (|cos| >= GroupCosine) kink on one
        // hyperplane. With w_q = s_q w (unit w), sum_q v_q sigma(s_q u) = J sigma(u) - (1 + c) (sum over s_q < 0 of v_q |s_q|) u,
        // J = sum_q v_q |s_q|: a group whose kink weight J cancels computes an affine map, like a single node whose boundary
        // misses the data. Groups off every teacher's hyperplane are read that way, by the same measure as one node
        // (its kink's deviation on the data, times ||J||), and join the compensators.
        var selfCos = Specialization.CosineMatrix(student.Weights[0], student.Weights[0]);
        var plane = Enumerable.Range(0, n).ToArray();
        int Plane(int k) => plane[k] == k ? k : plane[k] = Plane(plane[k]);
        for (var a = 0; a < n; a++)
            for (var b = a + 1; b < n; b++)
                if (Math.Abs(selfCos[a, b]) >= GroupCosine) plane[Math.Max(Plane(a), Plane(b))] = Math.Min(Plane(a), Plane(b));
        foreach (var members in Enumerable.Range(0, n).GroupBy(Plane).Select(g => g.ToArray()).Where(g => g.Length > 1))
        {
            // A group on a teacher's hyperplane (within the group cosine) carries that teacher's kink; only groups off
            // every teacher hyperplane are read as compensators. Their members carry no teacher's kink: no mirrors.
            if (members.Any(k => Enumerable.Range(0, m).Any(j => Math.Abs(cos[j, k]) >= GroupCosine))) continue;
            var root = members[0];
            var rootNorm = Math.Sqrt(Enumerable.Range(0, d + 1).Sum(q => s[0][q, root] * s[0][q, root]));
            var kink = new double[outputs];
            foreach (var k in members)
            {
                var scale = Math.Sqrt(Enumerable.Range(0, d + 1).Sum(q => s[0][q, k] * s[0][q, k]));
                for (var o = 0; o < outputs; o++) kink[o] += s[1][k, o] * scale;
            }
            var unit = Array.ConvertAll(Column(preS, root), u => u / rootNorm);
            if (KinkDeviation(unit, c) * Math.Sqrt(kink.Sum(v => v * v)) <= MaxResidue * spread)
                foreach (var k in members)
                {
                    affine[k] = true;
                    mirrored[k] = -1;
                    mirrorRho[k] = double.NaN;
                }
        }

        // r(x): the mirrors' linear terms plus the affine-on-data nodes' outputs, one product over all nodes:
        // column k of the (N, n) factor is (1 + c) u_k for a mirror, sigma(u_k) for an affine-on-data node, 0 otherwise.
        var fanOutRows = tensor(s[1]).narrow(0, 0, n);
        var linearPart = tensor(Enumerable.Range(0, n).Select(k => mirrored[k] >= 0 ? 1 + c : 0).ToArray());
        var outputPart = tensor(Enumerable.Range(0, n).Select(k => mirrored[k] < 0 && affine[k] ? 1.0 : 0).ToArray());
        var r = preSt.mul(linearPart).Plus_(actT.mul(outputPart)).mm(fanOutRows);
        var residue = CentredRms(Networks.RectifiedNetwork.ToArray(r)) / spread;

        // Co-linear groups (transitive) and each group's measured output.
        var self = selfCos;
        var group = Enumerable.Range(0, n).ToArray();
        int Find(int k) => group[k] == k ? k : group[k] = Find(group[k]);
        for (var a = 0; a < n; a++)
            for (var b = a + 1; b < n; b++)
                if (self[a, b] >= GroupCosine) group[Math.Max(Find(a), Find(b))] = Math.Min(Find(a), Find(b));
        var roots = Enumerable.Range(0, n).Select(Find).ToArray();
        var activationSquares = actT.Squared().sum(dim: 0).data<double>().ToArray();
        var activationRms = activationSquares.Select(v => Math.Sqrt(v / rows)).ToArray();
        var groupOutput = new double[n];
        foreach (var root in roots.Distinct())
        {
            var members = Enumerable.Range(0, n).Where(k => roots[k] == root).ToArray();
            // sum over the data and the outputs of (sum over the group of v_q sigma(u_q))^2; for one node the
            // product sigma(u_k) v_k^T factors: ||sigma(u_k)||^2 ||v_k||^2.
            var sum = members.Length == 1
                ? activationSquares[root] * fanOutSquares[root]
                : GroupSquares(actT, fanOutRows, members);
            var value = Math.Sqrt(sum / rows) / Math.Max(members.Max(q => activationRms[q]), 1e-300);
            foreach (var q in members) groupOutput[q] = value;
        }
        return new CompensationReport(mirrored, mirrorRho, affine, residue, roots, groupOutput);
    }

    /// <summary>
    /// RMS over the data of how far sigma(u) departs from its own linear extension (the side most inputs are on):
    /// (1 - c) |u| on the inputs of the other side, 0 elsewhere; exactly 0 for a pre-activation of one sign.
    /// </summary>
    internal static double KinkDeviation(double[] u, double c)
    {
        var active = u.Count(v => v > 0) * 2 >= u.Length;
        return Math.Sqrt(u.Average(v => active == v > 0 ? 0 : (1 - c) * v * (1 - c) * v));
    }

    /// <summary>sigma(u) = max(u, c u).</summary>
    public static double Sigma(double u, double c) => u > 0 ? u : c * u;

    /// <summary>The network's trace on float64 CPU inputs, computed in float64 on the CPU (a float64 copy of the network where it is not).</summary>
    static NetworkTrace TraceInFloat64(RectifiedNetwork network, Tensor x64)
    {
        if (network.DType == ScalarType.Float64 && network.Device.type == TorchSharp.DeviceType.CPU) return network.Trace(x64);
        using var copy = network.Clone(ScalarType.Float64, CPU);
        return copy.Trace(x64);
    }

    /// <summary>||sum over <paramref name="members"/> of sigma(u_q) v_q^T||_F^2 over the data: (N, n) activations, (n, outputs) fan-outs.</summary>
    static double GroupSquares(Tensor activations, Tensor fanOuts, int[] members)
    {
        using var scope = NewDisposeScope();
        var index = tensor(members.Select(k => (long)k).ToArray());
        return activations.index_select(1, index).mm(fanOuts.index_select(0, index)).Squared().sum().item<double>();
    }

    static double[] Column(double[,] a, int k)
    {
        var column = new double[a.GetLength(0)];
        for (var i = 0; i < column.Length; i++) column[i] = a[i, k];
        return column;
    }

    internal static double CentredRms(double[,] a)
    {
        int rows = a.GetLength(0), cols = a.GetLength(1);
        double sum = 0;
        for (var o = 0; o < cols; o++)
        {
            var mean = Enumerable.Range(0, rows).Average(i => a[i, o]);
            for (var i = 0; i < rows; i++) sum += (a[i, o] - mean) * (a[i, o] - mean);
        }
        return Math.Sqrt(sum / rows);
    }

    internal static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        var sa = Math.Sqrt(saa / a.Length);
        var sb = Math.Sqrt(sbb / a.Length);
        return sa < Correlation.ConstantNodeStd || sb < Correlation.ConstantNodeStd ? 0 : sab / a.Length / (sa * sb);
    }
}
