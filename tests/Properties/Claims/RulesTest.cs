using NUnit.Framework;
using Shouldly;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Protocols;

namespace Verify.Properties.Claims;

/// <summary>
/// The judges' rules are one record whose hash the docs state: a rule that changes without its page
/// (docs/theorems/rules.md: the reason, a dated log, a new Nightly run) fails here, and the judges read
/// their defaults from the record.
/// </summary>
[TestFixture]
public sealed class RulesTest
{
    [Test]
    public void TheDocumentedHash_IsTheRulesHash()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "theorems", "rules.md"));
        page.ShouldContain($"version {Rules.Version}, hash `{Rules.Hash}`", customMessage:
            $"the rules are version {Rules.Version}, hash {Rules.Hash}: a changed rule needs its reason, a log entry and a Nightly run in docs/theorems/rules.md");
        foreach (var (name, _) in Rules.All.Where(r => r.Name != nameof(Rules.Version)))
            page.ShouldContain($"`{name}`", customMessage: $"rule {name} has no reason on the page");
    }

    [Test]
    public void TheHash_DigestsEveryRule_SoAnyChangedValueChangesIt()
    {
        Rules.All.Count.ShouldBeGreaterThan(20);
        Rules.All.Select(r => r.Name).ShouldContain(nameof(Rules.Tau));
        Rules.Hash.ShouldMatch("^[0-9a-f]{16}$");
        Rules.All.Single(r => r.Name == nameof(Rules.TwoLayerGradient)).Value.ShouldBe("0.0003");
    }

    [Test]
    public void TheJudges_ReadTheirDefaultsFromTheRules()
    {
        new SpecializationCriteria().Correlation.ShouldBe(Rules.Tau);
        new SpecializationCriteria().Cosine.ShouldBe(Rules.AlignedCosine);
        new VanishingCriteria().FanOut.ShouldBe(Rules.VanishedFanOut);
        new VanishingCriteria().MaxGradient.ShouldBe(Rules.TwoLayerGradient);
        new CoreArgumentCriteria().MaxJumpRatio.ShouldBe(Rules.CancelledJump);
        MirrorCheck.MaxResidue.ShouldBe(Rules.MaxCompensationResidue);
        new TheoremCheckSettings().MinConclusive.ShouldBe(Rules.MinConclusive);
        new TheoremCheckSettings().TwoLayerBudget.GradientTarget.ShouldBe(Rules.TwoLayerGradient);
    }

    static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Verify.sln"))) root = root.Parent;
        return root?.FullName ?? throw new DirectoryNotFoundException("the repository root (Verify.sln) above the test binaries");
    }
}
