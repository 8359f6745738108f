module slimgo.test/slowlink

go 1.19
