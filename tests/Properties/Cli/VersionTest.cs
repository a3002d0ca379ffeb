using System.Text.RegularExpressions;
using NUnit.Framework;
using Shouldly;
using Verify.TestSupport;

namespace Verify.Properties.Cli;

/// <summary>`verify --version` names the version and the commit the program was built from (the tool package's promise).</summary>
[TestFixture]
public sealed class VersionTest
{
    /// <summary>The SDK stamps the informational version with the commit: 0.1.0+&lt;40 hex digits&gt;.</summary>
    static readonly Regex VersionAndCommit = new(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\+[0-9a-f]{40}$");

    [Test]
    public void TheVersionNamesTheCommit()
    {
        var run = VerifyProgram.Run("--version");
        run.ExitCode.ShouldBe(0, run.ToString());
        VersionAndCommit.IsMatch(run.Stdout.Trim()).ShouldBeTrue($"expected <version>+<commit>; {run}");
    }

    [TestCase("0.1.0")]
    [TestCase("0.1.0+local")]
    public void AVersionWithoutACommit_IsNotAccepted(string version) => VersionAndCommit.IsMatch(version).ShouldBeFalse();
}
