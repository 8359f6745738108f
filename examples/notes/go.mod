module github.com/slimgo-examples/notes

go 1.19
