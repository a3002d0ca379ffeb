using System.Text.RegularExpressions;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Protocols;

namespace Verify.Properties.Claims;

/// <summary>
/// A finding is not a pass: every fixture of category <c>Finding</c> (in tests/Properties or tests/Experiments) is a
/// known finding of <see cref="KnownFindings"/>, which the report lists in a section of its own, and every known finding
/// has its fixture. Each finding names the claims it concerns, by ids of the catalog.
/// </summary>
[TestFixture]
public sealed class KnownFindingsTest
{
    [Test]
    public void EveryFindingFixture_IsAKnownFinding_AndEveryKnownFindingHasItsFixture()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Verify.sln"))) root = root.Parent;
        root.ShouldNotBeNull("the repository root (Verify.sln) above the test binaries");
        var fixtures = Directory.EnumerateFiles(Path.Combine(root.FullName, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\[TestFixture, Category\(""Finding""\)\]\s*public sealed class (\w+)").Select(m => m.Groups[1].Value))
            .ToArray();
        fixtures.ShouldNotBeEmpty();
        fixtures.ShouldAllBe(f => f.EndsWith("FindingTest", StringComparison.Ordinal), "a finding's fixture is named as a finding");
        fixtures.ShouldBe(KnownFindings.All.Select(f => f.Name), ignoreOrder: true, "the Finding fixtures and the known findings the report lists");
    }

    [Test]
    public void EveryKnownFinding_SaysItInOneLine_AndNamesClaimsOfTheCatalog()
    {
        foreach (var f in KnownFindings.All)
        {
            f.Summary.ShouldNotContain("\n");
            f.Summary.Length.ShouldBeGreaterThan(40, f.Name);
            f.Claims.ShouldNotBeEmpty(f.Name);
            f.Claims.ShouldAllBe(c => ClaimCatalog.All.Any(k => k.Id == c || k.Id.StartsWith(c + ".", StringComparison.Ordinal)), $"{f.Name} names claims of the catalog");
            File.Exists(Path.Combine(Root(), f.Page)).ShouldBeTrue($"{f.Name}: its page {f.Page}");
        }
        KnownFindings.All.Select(f => f.Name).Distinct().Count().ShouldBe(KnownFindings.All.Count);
    }

    static string Root()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Verify.sln"))) root = root.Parent;
        return root?.FullName ?? throw new DirectoryNotFoundException("the repository root (Verify.sln) above the test binaries");
    }
}
