using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Analysis;

/// <summary>
/// The slope jump of a student's residual across each teacher boundary, measured from the networks
/// at points of the data (claim 2's argument). For a two-layer pair, inside student k's active region
/// r_k(x) = g_k(x) / sigma'_k(x) = v_k^T (f*(x) - f(x)) is piecewise linear. Crossing the teacher
/// boundary dE*_j from its negative to its positive side, the teacher's node adds the slope jump
/// P_kj = (1 - c) alpha_kj w*_j (input components; alpha_kj = v_k^T v*_j), and nothing else changes
/// unless a student node has its kink on the same hyperplane (aligned or mirrored with w*_j), whose
/// jump then adds to it. Measured: for up to <see cref="BoundaryJumps.PointsPerTeacher"/> data points nearest to
/// dE*_j, the point is projected onto the hyperplane; the slope of r_k is taken by central finite
/// differences of the networks' outputs at p - delta n and p + delta n (n the unit normal), with
/// delta wide enough to include the kinks of student nodes co-linear with w*_j (|cos| &gt;= 0.95) near p
/// and no other kink within 2 delta. A point counts for student k when k's gate is the same at both
/// probes and open (for ReLU): the boundary is then observed inside E_k.
/// </summary>
/// <param name="Ratio">[m, n]: median over points of ||J_kj|| / ||P_kj||: 1 with no student kink on the boundary, 0 when the jump is cancelled; NaN where not measured.</param>
/// <param name="OutputRatio">[m, n]: over the same points, the median of ||Delta(d(f* - f)/dx)||_F / ||(1 - c) v*_j w*_j^T||_F, the jump of the
/// whole residual (every output) against the teacher's own; J_kj = v_k^T Delta, so it vanishes exactly when every r_k's jump does, and unlike
/// <paramref name="Ratio"/> it is not inflated where alpha_kj = v_k^T v*_j is small beside ||v_k||.</param>
/// <param name="Cosine">[m, n]: median cos(J_kj, P_kj); NaN where not measured.</param>
/// <param name="Points">[m, n]: points at which the jump was measured.</param>
/// <param name="ColinearStudents">[m]: student nodes with |cos(w*_j, w_k)| &gt;= 0.95 (aligned or mirrored).</param>
public sealed record JumpReport(double[,] Ratio, double[,] OutputRatio, double[,] Cosine, int[,] Points, int[] ColinearStudents)
{
    public int Teachers => Ratio.GetLength(0);
    public int Students => Ratio.GetLength(1);
}

public static class BoundaryJumps
{
    /// <summary>Data points nearest each teacher boundary that are projected and probed.</summary>
    public const int PointsPerTeacher = 8;

    /// <summary>Smallest half-width of the probe band, as a fraction of the data's RMS norm.</summary>
    const double MinBand = 1e-4;

    public static JumpReport Measure(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        var (x, t, s) = TwoLayerArrays.Of(teacher, student, inputs, "slope jumps of claim 2 are");
        var c = teacher.Activation.NegativeSlope;
        int m = t[0].GetLength(1), n = s[0].GetLength(1), rows = x.GetLength(0), d = x.GetLength(1), outputs = s[1].GetLength(1);
        var scale = Math.Sqrt(Enumerable.Range(0, rows).Average(i => Enumerable.Range(0, d).Sum(q => x[i, q] * x[i, q])));
        var cos = Specialization.CosineMatrix(teacher.Weights[0], student.Weights[0]);

        var ratio = new double[m, n];
        var outputRatio = new double[m, n];
        var cosine = new double[m, n];
        var points = new int[m, n];
        var colinearCount = new int[m];
        for (var j = 0; j < m; j++)
        {
            var wj = Col(t[0], j);
            var normal = wj[..d];
            var nn = Math.Sqrt(normal.Sum(v => v * v));
            var unit = normal.Select(v => v / nn).ToArray();
            var colinear = Enumerable.Range(0, n).Where(k => Math.Abs(cos[j, k]) >= Compensation.MirrorCosine).ToHashSet();
            colinearCount[j] = colinear.Count;
            // Every other kink: the other teacher nodes and the students not co-linear with j.
            var others = Enumerable.Range(0, m).Where(q => q != j).Select(q => Col(t[0], q))
                .Concat(Enumerable.Range(0, n).Where(k => !colinear.Contains(k)).Select(k => Col(s[0], k))).ToArray();
            var nearest = Enumerable.Range(0, rows).OrderBy(i => Math.Abs(Affine(wj, Row(x, i))) / nn).Take(PointsPerTeacher);
            var ratios = new List<double>[n];
            var outputRatios = new List<double>[n];
            var cosines = new List<double>[n];
            for (var k = 0; k < n; k++) { ratios[k] = []; outputRatios[k] = []; cosines[k] = []; }
            // ||(1 - c) v*_j w*_j^T||_F = (1 - c) ||v*_j|| ||w*_j (input part)||.
            var teacherJump = (1 - c) * Math.Sqrt(Enumerable.Range(0, outputs).Sum(o => t[1][j, o] * t[1][j, o])) * nn;
            foreach (var i in nearest)
            {
                var xi = Row(x, i);
                var shift = Affine(wj, xi) / nn;
                var p = xi.Select((v, q) => v - shift * unit[q]).ToArray();
                var band = Math.Max(MinBand * scale, 2 * colinear.Select(k => Distance(Col(s[0], k), p)).DefaultIfEmpty(0).Max());
                var clearance = others.Select(w => Distance(w, p)).DefaultIfEmpty(double.PositiveInfinity).Min();
                if (clearance <= 2 * band) continue;
                var minus = p.Select((v, q) => v - band * unit[q]).ToArray();
                var plus = p.Select((v, q) => v + band * unit[q]).ToArray();
                // Finite differences well inside the linear pieces at the probes.
                var step = 0.25 * Math.Min(band, clearance - band);
                var jump = Jacobian(teacher, student, plus, step, outputs) is var jp && Jacobian(teacher, student, minus, step, outputs) is var jm
                    ? Sub(jp, jm) : throw new InvalidOperationException();
                for (var k = 0; k < n; k++)
                {
                    var gateMinus = Affine(Col(s[0], k), minus) > 0;
                    var gatePlus = Affine(Col(s[0], k), plus) > 0;
                    if (gateMinus != gatePlus || (!gatePlus && student.Activation.NegativeSlope == 0)) continue;
                    var alpha = Enumerable.Range(0, outputs).Sum(o => s[1][k, o] * t[1][j, o]);
                    var predicted = normal.Select(v => (1 - c) * alpha * v).ToArray();
                    var measured = Enumerable.Range(0, d).Select(q => Enumerable.Range(0, outputs).Sum(o => s[1][k, o] * jump[o, q])).ToArray();
                    var np = Norm(predicted);
                    if (np == 0) continue;
                    ratios[k].Add(Norm(measured) / np);
                    outputRatios[k].Add(Math.Sqrt(jump.Cast<double>().Sum(v => v * v)) / teacherJump);
                    cosines[k].Add(Norm(measured) == 0 ? 0 : measured.Zip(predicted, (a, b) => a * b).Sum() / (Norm(measured) * np));
                }
            }
            for (var k = 0; k < n; k++)
            {
                points[j, k] = ratios[k].Count;
                ratio[j, k] = Median(ratios[k]);
                outputRatio[j, k] = Median(outputRatios[k]);
                cosine[j, k] = Median(cosines[k]);
            }
        }
        return new JumpReport(ratio, outputRatio, cosine, points, colinearCount);
    }

    /// <summary>d(f* - f)/dx at <paramref name="at"/> by central differences of the networks' outputs: [outputs, d].</summary>
    static double[,] Jacobian(RectifiedNetwork teacher, RectifiedNetwork student, double[] at, double step, int outputs)
    {
        var d = at.Length;
        var probes = new double[2 * d * d];
        for (var q = 0; q < d; q++)
            for (var side = 0; side < 2; side++)
                for (var r = 0; r < d; r++)
                    probes[(2 * q + side) * d + r] = at[r] + (r == q ? (side == 0 ? step : -step) : 0);
        double[,] diff;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var xs = tensor(probes, [2L * d, d], ScalarType.Float64).to(teacher.DType, teacher.Device);
            diff = RectifiedNetwork.ToArray((teacher.forward(xs) - student.forward(xs.to(student.DType, student.Device)).to(teacher.DType, teacher.Device)).to(ScalarType.Float64, CPU));
        }
        var result = new double[outputs, d];
        for (var q = 0; q < d; q++)
            for (var o = 0; o < outputs; o++)
                result[o, q] = (diff[2 * q, o] - diff[2 * q + 1, o]) / (2 * step);
        return result;
    }

    static double[] Col(double[,] w, int k) => Enumerable.Range(0, w.GetLength(0)).Select(i => w[i, k]).ToArray();
    static double[] Row(double[,] x, int i) => Enumerable.Range(0, x.GetLength(1)).Select(q => x[i, q]).ToArray();
    static double Affine(double[] w, double[] x) => w[^1] + x.Select((v, q) => v * w[q]).Sum();
    static double Distance(double[] w, double[] x) => Math.Abs(Affine(w, x)) / Math.Max(Norm(w[..^1]), 1e-300);
    static double Norm(double[] v) => Math.Sqrt(v.Sum(a => a * a));

    static double[,] Sub(double[,] a, double[,] b)
    {
        var r = new double[a.GetLength(0), a.GetLength(1)];
        for (var i = 0; i < a.GetLength(0); i++)
            for (var q = 0; q < a.GetLength(1); q++) r[i, q] = a[i, q] - b[i, q];
        return r;
    }

    static double Median(List<double> v)
    {
        if (v.Count == 0) return double.NaN;
        var sorted = v.OrderBy(a => a).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
