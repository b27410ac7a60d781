using System.IO;
using System.Linq;
using Vmdq.Rules;

namespace Vmdq.Toolkit.Cli.Tests;

public sealed class CheckTests
{
    private static string[] ExpectedLines(string path, string text) =>
        RulesCompiler.Compile(path, text).Diagnostics.Select(d => path + d.ToString()).ToArray();

    [Fact]
    public void Clean_file_prints_nothing_and_exits_0()
    {
        using var cli = new CliRunner();
        string file = cli.Write("clean.vmdq", Files.Clean);

        var run = CliRunner.Run("check", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Lines);
        Assert.Contains("1 file checked: 0 errors, 0 warnings, 0 info", run.Stderr);
    }

    [Fact]
    public void Broken_file_prints_the_front_ends_diagnostics_with_the_path_in_the_builds_format_and_exits_1()
    {
        using var cli = new CliRunner();
        string file = cli.Write("broken.vmdq", Files.Broken);

        var run = CliRunner.Run("check", file);

        Assert.Equal(1, run.ExitCode);
        string[] expected = ExpectedLines(file, Files.Broken);
        Assert.Equal(expected, run.Lines);
        Assert.Equal(
            [
                $"{file}(2,26): error VMDQ0003: Pool 'wbe' is not declared (did you mean 'web'?).",
                $"{file}(3,6): error VMDQ0002: VLAN ID 5000 is out of range: it must be 0..4095.",
            ],
            run.Lines);
        Assert.Contains("2 errors", run.Stderr);
    }

    [Fact]
    public void Two_files_that_would_generate_one_dispatcher_type_get_VMDQ0014_on_all_but_the_first_as_the_build_does()
    {
        using var cli = new CliRunner();
        Directory.CreateDirectory(Path.Combine(cli.Directory, "core"));
        Directory.CreateDirectory(Path.Combine(cli.Directory, "edge"));
        Directory.CreateDirectory(Path.Combine(cli.Directory, "lab"));
        const string Named = "dispatcher Contoso.Fabric.TenantDispatcher\npool web 1\nmac 00:1b:21:0a:0b:01 -> web\n";
        string core = cli.Write("core/tenants.vmdq", Named);
        string edge = cli.Write("edge/tenants.vmdq", Named);
        string lab = cli.Write("lab/tenants.vmdq", Named);

        var run = CliRunner.Run("check", lab, edge, core);

        // The first in path order (core) is the one the others collide with; the error is at the dispatcher name.
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            [
                $"{edge}(1,12): error VMDQ0014: 'Contoso.Fabric.TenantDispatcher' is also generated from {core}: give one of the files its own 'dispatcher' name. Neither file generates a working dispatcher.",
                $"{lab}(1,12): error VMDQ0014: 'Contoso.Fabric.TenantDispatcher' is also generated from {core}: give one of the files its own 'dispatcher' name. Neither file generates a working dispatcher.",
            ],
            run.Lines);
        Assert.Contains("3 files checked: 2 errors", run.Stderr);

        // Default names collide too (Vmdq.Generated.TenantsDispatcher), at line 1, column 1; each file alone is fine.
        string plainCore = cli.Write("core/tenants2.vmdq", Files.Clean);
        Directory.CreateDirectory(Path.Combine(cli.Directory, "edge2"));
        string plainEdge = cli.Write("edge2/tenants2.vmdq", Files.Clean);
        run = CliRunner.Run("check", plainEdge, plainCore);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"{plainEdge}(1,1): error VMDQ0014: 'Vmdq.Generated.Tenants2Dispatcher' is also generated from {plainCore}: give one of the files its own 'dispatcher' name. Neither file generates a working dispatcher."], run.Lines);
        Assert.Equal(0, CliRunner.Run("check", plainEdge).ExitCode);
        Assert.Equal(0, CliRunner.Run("check", core).ExitCode);
    }

    [Fact]
    public void Several_files_are_reported_sorted_by_file_then_position()
    {
        using var cli = new CliRunner();
        string b = cli.Write("b.vmdq", Files.Broken);
        string a = cli.Write("a.vmdq", Files.Unreachable);
        string c = cli.Write("c.vmdq", Files.Override);

        var run = CliRunner.Run("check", c, b, a);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(ExpectedLines(a, Files.Unreachable).Concat(ExpectedLines(b, Files.Broken)).Concat(ExpectedLines(c, Files.Override)), run.Lines);
        Assert.Contains("3 files checked: 2 errors, 1 warning, 1 info", run.Stderr);
    }

    [Fact]
    public void Warnings_and_infos_alone_exit_0()
    {
        using var cli = new CliRunner();
        string warn = cli.Write("warn.vmdq", Files.Unreachable);
        string info = cli.Write("info.vmdq", Files.Override);

        var run = CliRunner.Run("check", warn, info);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.Lines, l => l.Contains(": warning VMDQ0011: ", System.StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.Contains(": info VMDQ0012: ", System.StringComparison.Ordinal));
    }

    [Fact]
    public void A_warning_raised_to_error_by_the_config_fails_the_check()
    {
        using var cli = new CliRunner();
        string file = cli.Write("warn.vmdq", Files.Unreachable);
        string config = cli.Write(".globalconfig", "is_global = true\n\ndotnet_diagnostic.VMDQ0011.severity = error # unreachable pools fail CI\n");

        var run = CliRunner.Run("check", file, "--config", config);

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.Lines);
        Assert.Equal(ExpectedLines(file, Files.Unreachable).Single().Replace(": warning VMDQ0011:", ": error VMDQ0011:", System.StringComparison.Ordinal), line);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("silent")]
    public void None_and_silent_hide_a_warning(string severity)
    {
        using var cli = new CliRunner();
        string file = cli.Write("warn.vmdq", Files.Unreachable);
        string config = cli.Write("vmdq.globalconfig", $"is_global = true\ndotnet_diagnostic.vmdq0011.severity = {severity}\n");

        var run = CliRunner.Run("check", file, "--config", config);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Lines);
        Assert.Contains("0 warnings", run.Stderr);
    }

    [Fact]
    public void Suggestion_makes_a_warning_an_info_and_warning_makes_an_info_a_warning()
    {
        using var cli = new CliRunner();
        string warn = cli.Write("warn.vmdq", Files.Unreachable);
        string info = cli.Write("info.vmdq", Files.Override);
        string config = cli.Write(".globalconfig", "is_global = true\ndotnet_diagnostic.VMDQ0011.severity = suggestion\ndotnet_diagnostic.VMDQ0012.severity = warning\n");

        var run = CliRunner.Run("check", warn, info, "--config", config);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.Lines, l => l.StartsWith(warn, System.StringComparison.Ordinal) && l.Contains(": info VMDQ0011: ", System.StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith(info, System.StringComparison.Ordinal) && l.Contains(": warning VMDQ0012: ", System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("warning")]
    [InlineData("suggestion")]
    public void An_error_cannot_be_lowered(string severity)
    {
        using var cli = new CliRunner();
        string file = cli.Write("broken.vmdq", Files.Broken);
        string config = cli.Write(".globalconfig", $"is_global = true\ndotnet_diagnostic.VMDQ0003.severity = {severity}\ndotnet_diagnostic.VMDQ0002.severity = {severity}\n");

        var run = CliRunner.Run("check", file, "--config", config);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(ExpectedLines(file, Files.Broken), run.Lines);
    }

    [Fact]
    public void A_setting_under_a_section_header_is_ignored_as_the_build_ignores_it_with_a_note()
    {
        using var cli = new CliRunner();
        string file = cli.Write("warn.vmdq", Files.Unreachable);
        string config = cli.Write(".editorconfig", "root = true\n\n[*.vmdq]\ndotnet_diagnostic.VMDQ0011.severity = none\n");

        var run = CliRunner.Run("check", file, "--config", config);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(ExpectedLines(file, Files.Unreachable), run.Lines);
        Assert.Contains($"{config}(4): note: 'dotnet_diagnostic.VMDQ0011.severity' is under the section [*.vmdq]", run.Stderr);
    }

    [Fact]
    public void A_binary_file_is_a_located_VMDQ0019_error_not_a_crash()
    {
        using var cli = new CliRunner();
        string file = Path.Combine(cli.Directory, "capture.vmdq");
        File.WriteAllBytes(file, [0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0xff, 0xfe, 0x00]);

        var run = CliRunner.Run("check", file);

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.Lines);
        Assert.StartsWith($"{file}(1,1): error VMDQ0019: ", line);
    }

    [Fact]
    public void A_missing_file_exits_2_with_a_clear_message_and_no_stack_trace()
    {
        using var cli = new CliRunner();
        string good = cli.Write("broken.vmdq", Files.Broken);
        string missing = Path.Combine(cli.Directory, "missing.vmdq");

        var run = CliRunner.Run("check", good, missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"vmdq: cannot read rules file '{missing}': no such file.\n", run.Stderr.Replace("\r\n", "\n", System.StringComparison.Ordinal));
        Assert.Empty(run.Lines);
    }

    [Fact]
    public void A_directory_or_a_missing_config_exits_2_with_a_clear_message()
    {
        using var cli = new CliRunner();
        string file = cli.Write("clean.vmdq", Files.Clean);

        var dir = CliRunner.Run("check", cli.Directory);
        Assert.Equal(2, dir.ExitCode);
        Assert.Contains($"cannot read rules file '{cli.Directory}': it is a directory.", dir.Stderr);

        string config = Path.Combine(cli.Directory, "nope.globalconfig");
        var noConfig = CliRunner.Run("check", file, "--config", config);
        Assert.Equal(2, noConfig.ExitCode);
        Assert.Contains($"cannot read config file '{config}': no such file.", noConfig.Stderr);
        Assert.DoesNotContain("   at ", dir.Stderr + noConfig.Stderr);
    }

    [Theory]
    [InlineData("")]
    [InlineData("check")]
    [InlineData("check x.vmdq --format xml")]
    [InlineData("check x.vmdq --bogus")]
    [InlineData("frobnicate")]
    public void Usage_errors_exit_2_with_a_message(string commandLine)
    {
        var run = CliRunner.Run(commandLine.Split(' ', System.StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("vmdq: ", run.Stderr);
        Assert.Contains("--help", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Help_exits_0_and_names_the_options()
    {
        var run = CliRunner.Run("check", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--format", run.Stdout);
        Assert.Contains("--config", run.Stdout);
    }
}
