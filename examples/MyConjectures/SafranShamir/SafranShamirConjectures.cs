using System.Diagnostics;
using NUnit.Framework;

namespace MyConjectures.SafranShamir;

/// <summary>
/// Safran and Shamir (ICML 2018), "Spurious Local Minima are Common in Two-Layer ReLU Neural Networks", section 4: the
/// rate at which gradient descent on the population loss ends at a spurious local minimum (SafranShamir/README.md, beside this file).
/// </summary>
[TestFixture]
public sealed class SafranShamirConjectures
{
    /// <summary>Claim (a): with exactly k student nodes, spurious minima are hit often, and more often as k grows.</summary>
    [Test]
    public void AStudentOfExactlyKNodes_EndsAtASpuriousMinimum_OftenAndMoreOftenAsKGrows() =>
        SpuriousMinima.Rate.Claims("at k = n = 12 at least one run in five ends at a spurious minimum (95% lower bound), and the rate rises "
                + "from k = 6 to 12 (intervals apart), with k = 9 in between",
            [new(6, 6), new(9, 9), new(12, 12)], trials: 100, minConclusive: 90,
            r => r[new(12, 12)].Low > 0.2 && r.Above(new(12, 12), new(6, 6))
                && r[new(6, 6)].Rate <= r[new(9, 9)].Rate && r[new(9, 9)].Rate <= r[new(12, 12)].Rate);

    /// <summary>Claim (b): one or two extra student nodes cut the rate sharply.</summary>
    [Test]
    public void OneOrTwoExtraNodes_CutTheSpuriousMinimumRateSharply() =>
        SpuriousMinima.Rate.Claims("at k = 12 the 95% upper bound with n = 13 and with n = 14 is below half the 95% lower bound with n = 12",
            [new(12, 12), new(12, 13), new(12, 14)], trials: 80, minConclusive: 70,
            r => r[new(12, 13)].High < r[new(12, 12)].Low / 2 && r[new(12, 14)].High < r[new(12, 12)].Low / 2);

    /// <summary>
    /// The theorem page's table: k = 6, 8, ..., 20 with n = k, k + 1, k + 2, 100 runs each (tens of minutes on two cores).
    /// Run with <c>dotnet test --filter "Name~SpuriousMinimumTable"</c>; VERIFY_SEED fixes the run seed.
    /// </summary>
    [Test, Explicit("the theorem page's table: tens of minutes")]
    public void SpuriousMinimumTable()
    {
        var clock = Stopwatch.StartNew();
        var table = SpuriousMinima.Rate.Measure(SpuriousMinima.TableWidths([6, 8, 10, 12, 14, 16, 18, 20]), trials: 100, Verify.Conjectures.RunSeed.Value);
        TestContext.Out.WriteLine(table);
        TestContext.Out.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s; replay: {Verify.Conjectures.RunSeed.Replay}");
        Assert.That(table.Rows.All(row => row.Rate.Conclusive > 0), $"every configuration needs a conclusive run:{Environment.NewLine}{table}");
    }
}
