namespace MyConjectures.SafranShamir;

/// <summary>
/// The population loss of Safran and Shamir (ICML 2018, eq. 1) in closed form, for standard Gaussian inputs:
/// F(W) = 1/2 E_x[(sum_i relu(w_i.x) - sum_j relu(v_j.x))^2], student rows w_i (n x d), teacher rows v_j (k x d), every
/// output weight 1. No sample is drawn: with g(u, v) = E[relu(u.x) relu(v.x)] = |u||v| (sin t + (pi - t) cos t) / (2 pi),
/// t the angle between u and v, F = 1/2 (sum_ii' g(w_i, w_i') - 2 sum_ij g(w_i, v_j) + sum_jj' g(v_j, v_j')), and the
/// gradient in w_i is E[(f(x) - y(x)) 1{w_i.x > 0} x] = sum_i' h(w_i, w_i') - sum_j h(w_i, v_j) with
/// h(u, v) = E[relu(v.x) 1{u.x > 0} x] = ((pi - t) v + |v| sin t u / |u|) / (2 pi).
/// Matrices are row-major double arrays; a zero row contributes nothing (its output is zero almost surely).
/// </summary>
public sealed class PopulationLoss
{
    readonly double[] teacher;
    readonly double teacherSelf;
    readonly double[] teacherNorms;

    /// <param name="teacher">The teacher's rows v_j, k x d, row-major.</param>
    /// <param name="k">Teacher nodes.</param>
    /// <param name="d">Input dimension.</param>
    public PopulationLoss(double[] teacher, int k, int d)
    {
        if (k < 1 || d < 1) throw new ArgumentOutOfRangeException(nameof(k), $"Need k >= 1 and d >= 1; got k {k}, d {d}.");
        if (teacher.Length != k * d) throw new ArgumentException($"The teacher has {teacher.Length} entries; k x d = {k * d}.", nameof(teacher));
        this.teacher = (double[])teacher.Clone();
        K = k;
        D = d;
        teacherNorms = Enumerable.Range(0, k).Select(j => Math.Sqrt(Dot(this.teacher.AsSpan(j * d, d), this.teacher.AsSpan(j * d, d)))).ToArray();
        for (var j = 0; j < k; j++)
            for (var l = 0; l < k; l++)
                teacherSelf += G(this.teacher, j, this.teacher, l, d);
    }

    /// <summary>The paper's target: k orthonormal rows, here the first k unit vectors of R^d (d >= k).</summary>
    public static PopulationLoss OrthonormalTeacher(int k, int d)
    {
        if (d < k) throw new ArgumentOutOfRangeException(nameof(d), d, $"k = {k} orthonormal rows need d >= k.");
        var v = new double[k * d];
        for (var j = 0; j < k; j++) v[j * d + j] = 1;
        return new PopulationLoss(v, k, d);
    }

    public int K { get; }
    public int D { get; }

    /// <summary>F(W) for the student rows <paramref name="w"/> (n x d, n = w.Length / d).</summary>
    public double Value(ReadOnlySpan<double> w) => ValueAndGradient(w, null);

    /// <summary>F(W), writing dF/dW into <paramref name="gradient"/> (same shape as w) unless it is null.</summary>
    public double ValueAndGradient(ReadOnlySpan<double> w, double[]? gradient)
    {
        var n = Rows(w);
        if (gradient is not null && gradient.Length != w.Length) throw new ArgumentException($"The gradient needs {w.Length} entries; got {gradient.Length}.", nameof(gradient));
        if (gradient is not null) Array.Clear(gradient);
        var d = D;
        Span<double> norms = stackalloc double[n];
        for (var i = 0; i < n; i++) norms[i] = Math.Sqrt(Dot(w.Slice(i * d, d), w.Slice(i * d, d)));
        double ss = 0, st = 0;
        for (var i = 0; i < n; i++)
        {
            var wi = w.Slice(i * d, d);
            var ni = norms[i];
            if (ni == 0) continue;
            ss += 0.5 * ni * ni;
            if (gradient is not null)
                for (var l = 0; l < d; l++) gradient[i * d + l] += 0.5 * wi[l];
            for (var m = i + 1; m < n; m++)
                if (norms[m] > 0) ss += 2 * Pair(w, i, ni, w, m, norms[m], +1, gradient, true);
            for (var j = 0; j < K; j++)
                if (teacherNorms[j] > 0) st += Pair(w, i, ni, teacher, j, teacherNorms[j], -1, gradient, false);
        }
        return 0.5 * (ss - 2 * st + teacherSelf);
    }

    /// <summary>
    /// g(u_a, v_b) for rows of norms nu and nv, adding sign * h(u_a, v_b) to row a of <paramref name="gradient"/> (and, when
    /// both rows are the student's, h(v_b, u_a) to row b) unless it is null.
    /// </summary>
    double Pair(ReadOnlySpan<double> u, int a, double nu, ReadOnlySpan<double> v, int b, double nv, int sign, double[]? gradient, bool bothStudent)
    {
        var d = D;
        var ua = u.Slice(a * d, d);
        var vb = v.Slice(b * d, d);
        var c = Math.Clamp(Dot(ua, vb) / (nu * nv), -1, 1);
        var t = Math.Acos(c);
        var s = Math.Sqrt(Math.Max(0, 1 - c * c));
        if (gradient is not null)
        {
            var toward = sign * (Math.PI - t) / (2 * Math.PI);
            var alongA = sign * nv * s / nu / (2 * Math.PI);
            for (var l = 0; l < d; l++) gradient[a * d + l] += alongA * ua[l] + toward * vb[l];
            if (bothStudent)
            {
                var alongB = sign * nu * s / nv / (2 * Math.PI);
                for (var l = 0; l < d; l++) gradient[b * d + l] += alongB * vb[l] + toward * ua[l];
            }
        }
        return nu * nv * (s + (Math.PI - t) * c) / (2 * Math.PI);
    }

    static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (var l = 0; l < x.Length; l++) s += x[l] * y[l];
        return s;
    }

    static double G(double[] u, int a, double[] v, int b, int d)
    {
        double uu = 0, vv = 0, uv = 0;
        for (var l = 0; l < d; l++)
        {
            uu += u[a * d + l] * u[a * d + l];
            vv += v[b * d + l] * v[b * d + l];
            uv += u[a * d + l] * v[b * d + l];
        }
        if (uu == 0 || vv == 0) return 0;
        var c = Math.Clamp(uv / Math.Sqrt(uu * vv), -1, 1);
        var t = Math.Acos(c);
        return Math.Sqrt(uu * vv) * (Math.Sqrt(Math.Max(0, 1 - c * c)) + (Math.PI - t) * c) / (2 * Math.PI);
    }

    /// <summary>
    /// The Hessian of F at <paramref name="w"/> (nd x nd, row-major), by central differences of the closed-form gradient
    /// with step <paramref name="step"/>, symmetrized. F is twice differentiable wherever no row is zero.
    /// </summary>
    public double[,] Hessian(ReadOnlySpan<double> w, double step = 1e-5)
    {
        var m = w.Length;
        Rows(w);
        var h = new double[m, m];
        var x = w.ToArray();
        var plus = new double[m];
        var minus = new double[m];
        for (var p = 0; p < m; p++)
        {
            var keep = x[p];
            x[p] = keep + step;
            ValueAndGradient(x, plus);
            x[p] = keep - step;
            ValueAndGradient(x, minus);
            x[p] = keep;
            for (var q = 0; q < m; q++) h[p, q] = (plus[q] - minus[q]) / (2 * step);
        }
        for (var p = 0; p < m; p++)
            for (var q = p + 1; q < m; q++)
                h[p, q] = h[q, p] = 0.5 * (h[p, q] + h[q, p]);
        return h;
    }

    int Rows(ReadOnlySpan<double> w)
    {
        if (w.Length == 0 || w.Length % D != 0) throw new ArgumentException($"The student needs n x d entries with d = {D}; got {w.Length}.", nameof(w));
        return w.Length / D;
    }
}
