using MathNet.Numerics.Distributions;
using NUnit.Framework;
using Verify.Model.Runtime;

namespace MyConjectures.SafranShamir;

/// <summary>
/// The closed-form population loss and gradient against what they stand for: a Monte Carlo estimate over Gaussian inputs
/// (within 4 standard errors of the sample) and central differences of the loss. A wrong kernel is caught by the same check.
/// </summary>
[TestFixture]
public sealed class PopulationLossTest
{
    const int K = 3, N = 4, D = 4, Samples = 400_000;

    static double[] Student(string name)
    {
        var normal = new Normal(0, 0.7, new Random((int)(Seeds.Of(2018, name) & int.MaxValue)));
        return Enumerable.Range(0, N * D).Select(_ => normal.Sample()).ToArray();
    }

    /// <summary>Per input x: the residual f(x) - y(x), and the per-sample loss and gradient, averaged with their standard errors.</summary>
    static (double[] Mean, double[] StdError) MonteCarlo(double[] w, double[] v)
    {
        var normal = new Normal(0, 1, new Random((int)(Seeds.Of(2018, "monte-carlo-inputs") & int.MaxValue)));
        var m = 1 + N * D;
        var sum = new double[m];
        var sumSq = new double[m];
        var x = new double[D];
        var sample = new double[m];
        for (var s = 0; s < Samples; s++)
        {
            for (var l = 0; l < D; l++) x[l] = normal.Sample();
            double r = 0;
            var active = new bool[N];
            for (var i = 0; i < N; i++)
            {
                var z = Dot(w, i, x);
                active[i] = z > 0;
                r += Math.Max(0, z);
            }
            for (var j = 0; j < K; j++) r -= Math.Max(0, Dot(v, j, x));
            sample[0] = 0.5 * r * r;
            for (var i = 0; i < N; i++)
                for (var l = 0; l < D; l++) sample[1 + i * D + l] = active[i] ? r * x[l] : 0;
            for (var p = 0; p < m; p++)
            {
                sum[p] += sample[p];
                sumSq[p] += sample[p] * sample[p];
            }
        }
        var mean = sum.Select(t => t / Samples).ToArray();
        var stdError = sumSq.Select((t, p) => Math.Sqrt(Math.Max(0, t / Samples - mean[p] * mean[p]) / Samples)).ToArray();
        return (mean, stdError);
    }

    static double Dot(double[] rows, int row, double[] x)
    {
        double s = 0;
        for (var l = 0; l < D; l++) s += rows[row * D + l] * x[l];
        return s;
    }

    static double[] Teacher()
    {
        var v = new double[K * D];
        for (var j = 0; j < K; j++) v[j * D + j] = 1;
        return v;
    }

    [Test]
    public void ClosedFormLossAndGradient_AgreeWithAMonteCarloEstimate()
    {
        var w = Student("student");
        var loss = PopulationLoss.OrthonormalTeacher(K, D);
        var gradient = new double[w.Length];
        var value = loss.ValueAndGradient(w, gradient);
        var (mean, stdError) = MonteCarlo(w, Teacher());
        var closed = new[] { value }.Concat(gradient).ToArray();
        for (var p = 0; p < closed.Length; p++)
            Assert.That(Math.Abs(closed[p] - mean[p]), Is.LessThanOrEqualTo(4 * stdError[p]),
                $"{(p == 0 ? "loss" : $"gradient entry {p - 1}")}: closed form {closed[p]:G6}, Monte Carlo {mean[p]:G6} +- {stdError[p]:G2} over {Samples} Gaussian inputs");
    }

    /// <summary>The control: the same check rejects a kernel with cos t in place of (pi - t) cos t.</summary>
    [Test]
    public void AWrongKernel_IsRejectedByTheMonteCarloCheck()
    {
        var w = Student("student");
        var (mean, stdError) = MonteCarlo(w, Teacher());
        var v = Teacher();
        double Wrong(double[] a, int i, double[] b, int j)
        {
            double ab = 0, aa = 0, bb = 0;
            for (var l = 0; l < D; l++) { ab += a[i * D + l] * b[j * D + l]; aa += a[i * D + l] * a[i * D + l]; bb += b[j * D + l] * b[j * D + l]; }
            var c = ab / Math.Sqrt(aa * bb);
            return Math.Sqrt(aa * bb) * (Math.Sqrt(1 - c * c) + c) / (2 * Math.PI);
        }
        double ss = 0, st = 0, tt = 0;
        for (var i = 0; i < N; i++) for (var l = 0; l < N; l++) ss += i == l ? 0.5 * Enumerable.Range(0, D).Sum(q => w[i * D + q] * w[i * D + q]) : Wrong(w, i, w, l);
        for (var i = 0; i < N; i++) for (var j = 0; j < K; j++) st += Wrong(w, i, v, j);
        for (var j = 0; j < K; j++) for (var l = 0; l < K; l++) tt += j == l ? 0.5 : Wrong(v, j, v, l);
        var wrong = 0.5 * (ss - 2 * st + tt);
        Assert.That(Math.Abs(wrong - mean[0]), Is.GreaterThan(4 * stdError[0]), $"wrong kernel {wrong:G6} vs Monte Carlo {mean[0]:G6} +- {stdError[0]:G2}");
    }

    [Test]
    public void ClosedFormGradient_AgreesWithCentralDifferencesOfTheLoss()
    {
        var w = Student("student");
        var loss = PopulationLoss.OrthonormalTeacher(K, D);
        var gradient = new double[w.Length];
        loss.ValueAndGradient(w, gradient);
        const double h = 1e-6;
        for (var p = 0; p < w.Length; p++)
        {
            var plus = (double[])w.Clone();
            var minus = (double[])w.Clone();
            plus[p] += h;
            minus[p] -= h;
            var difference = (loss.Value(plus) - loss.Value(minus)) / (2 * h);
            Assert.That(gradient[p], Is.EqualTo(difference).Within(1e-7 + 1e-6 * Math.Abs(difference)), $"gradient entry {p}: closed form {gradient[p]:G10}, central difference {difference:G10}");
        }
    }

    [Test]
    public void TheTeacherItself_HasZeroLossAndZeroGradient()
    {
        var loss = PopulationLoss.OrthonormalTeacher(K, D);
        var gradient = new double[K * D];
        var value = loss.ValueAndGradient(Teacher(), gradient);
        Assert.That(value, Is.EqualTo(0).Within(1e-14));
        Assert.That(gradient.Max(Math.Abs), Is.LessThan(1e-14));
    }
}
